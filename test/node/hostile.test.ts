// Hostile input over raw sockets: requests Node's parser refuses, framing meant to smuggle,
// oversized and slow requests, bodies over the limit. Every answer must be a problem+json with
// `connection: close`, carry nothing the client sent, and be followed by the server closing: its
// FIN within `finBound`, the socket gone on the server within the linger deadline (`lingerMs`)
// and `closeSlack`. The server must live on (an uncaught error fails the run) and stay small.
// Each class is generated, not one example of it.
import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes, statusText, type LogEntry } from "jobwrap";
import { serve, wrap, type Served } from "jobwrap/node";
import { lingerBytes, lingerMs } from "../../src/adapters/node-socket-answer.js";
import { contractApp } from "../contract/app.js";

/** In every hostile request, where a byte of it can carry it; never in an answer or a log line. */
const canary = "zq7canary";
/** The server's FIN follows each refusal within this (it is sent with the answer; the rest is slack for a loaded machine). */
const finBound = 1000;
/** Every refused connection is gone on the server within the linger deadline and this slack. */
const closeSlack = 1000;

const app = routes({
  ...contractApp.table,
  // A streamed answer that stops after its first chunk and never ends: an answer under way.
  "GET /drip": job({}, () => ({
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("first;"));
      },
      pull: () => new Promise<void>(() => {}),
    }),
  })),
  "POST /big": job({ body: v.instance(Uint8Array) }, ({ body }) => ({ body: { bytes: body.length } }), { accept: "bytes", bodyLimit: 4 * 1024 * 1024 }),
});

// ---------------------------------------------------------------------------------------------
// The wire: raw exchanges and what came back.

interface Exchange {
  /** Every byte the server sent. */
  raw: Buffer;
  /** Milliseconds from the end of the request to the server's FIN (0 if it came while the client was still writing); undefined if none came. */
  finMs: number | undefined;
  /** Bytes the client wrote (`socket.bytesWritten`). */
  written: number;
}

interface ExchangeOptions {
  /** Keep the client's side open after the server's FIN, as a client that never closes would. */
  halfOpen?: boolean;
  /** Resolve on the server's FIN (default), or only once the socket is gone. */
  until?: "fin" | "close";
  /** Most milliseconds to wait. */
  waitMs?: number;
}

type Writer = (socket: Socket) => Promise<void>;

/** Half-open client sockets, destroyed after the tests: the server's close of them cannot be seen from here. */
const lingering = new Set<Socket>();
afterAll(() => lingering.forEach((socket) => socket.destroy()));

function exchange(port: number, request: string | Buffer | Writer, options: ExchangeOptions = {}): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: options.halfOpen === true });
    if (options.halfOpen) lingering.add(socket);
    const chunks: Buffer[] = [];
    let writtenAt: number | undefined;
    let finMs: number | undefined;
    const done = () => {
      clearTimeout(timer);
      if (!options.halfOpen) socket.destroy();
      resolve({ raw: Buffer.concat(chunks), finMs, written: socket.bytesWritten });
    };
    const timer = setTimeout(done, options.waitMs ?? 5000);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("end", () => {
      finMs = writtenAt === undefined ? 0 : performance.now() - writtenAt;
      if (options.until !== "close") done();
    });
    socket.on("close", done);
    const write: Writer = typeof request === "function" ? request : (s) => new Promise<void>((ok) => s.write(request, () => ok()));
    socket.once("connect", () => {
      const settled = () => (writtenAt = performance.now());
      void write(socket).then(settled, settled);
    });
  });
}

interface Answer {
  status: number;
  reason: string;
  headers: Record<string, string[]>;
  body: Buffer;
  /** Bytes after the first answer (an interim `100 Continue` comes first and is split off here). */
  after: Buffer;
  interim: number[];
}

function parseAnswer(raw: Buffer): Answer {
  const interim: number[] = [];
  let rest = raw;
  for (;;) {
    const end = rest.indexOf("\r\n\r\n");
    expect(end, `an answer head in ${JSON.stringify(raw.toString("latin1").slice(0, 200))}`).toBeGreaterThan(0);
    const [line, ...fields] = rest.subarray(0, end).toString("latin1").split("\r\n");
    const match = /^HTTP\/1\.1 (\d{3}) ([^\r\n]+)$/.exec(line!);
    expect(match, `status line ${JSON.stringify(line)}`).not.toBeNull();
    const status = Number(match![1]);
    const headers: Record<string, string[]> = {};
    for (const field of fields) {
      const colon = field.indexOf(":");
      expect(colon, `header line ${JSON.stringify(field)}`).toBeGreaterThan(0);
      (headers[field.slice(0, colon).toLowerCase()] ??= []).push(field.slice(colon + 1).trim());
    }
    rest = rest.subarray(end + 4);
    if (status === 100) {
      interim.push(status);
      continue;
    }
    const [body, after] = splitBody(rest, headers);
    return { status, reason: match![2]!, headers, body, after, interim };
  }
}

/** The body by its framing (a length, chunks, or the connection's close), and what follows it. */
function splitBody(rest: Buffer, headers: Record<string, string[]>): [Buffer, Buffer] {
  const length = headers["content-length"]?.[0];
  if (length !== undefined) return [rest.subarray(0, Number(length)), rest.subarray(Number(length))];
  if (headers["transfer-encoding"]?.[0] !== "chunked") return [rest, Buffer.alloc(0)];
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n", at);
    if (lineEnd < 0) return [Buffer.concat(parts), Buffer.alloc(0)];
    const size = parseInt(rest.toString("latin1", at, lineEnd), 16);
    if (size === 0) return [Buffer.concat(parts), rest.subarray(lineEnd + 4)];
    parts.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** What every refusal must be: a problem with the status of its status line, closing, naming nothing of the request. */
function expectRefusal(exchange: Exchange, status: number, label: string): Answer {
  const answer = parseAnswer(exchange.raw);
  expect(answer.status, label).toBe(status);
  expect(answer.reason, label).toBe(statusText(status));
  expect(answer.headers["content-type"], label).toEqual(["application/problem+json"]);
  expect(answer.headers["connection"], label).toEqual(["close"]);
  expect(answer.interim, `${label}: no 100 Continue before a refusal`).toEqual([]);
  expect(answer.after.length, `${label}: nothing after the answer`).toBe(0);
  const requestId = answer.headers["x-request-id"]?.[0];
  expect(requestId, label).toMatch(/^[\da-f-]{36}$/);
  const problem = JSON.parse(answer.body.toString("utf8")) as Record<string, unknown>;
  expect(problem, label).toMatchObject({ type: "about:blank", title: statusText(status), status, requestId });
  expect(typeof problem.detail, label).toBe("string");
  expect(Object.keys(problem).sort(), label).toEqual(["detail", "requestId", "status", "title", "type"]);
  expectNothingOfTheRequest(exchange.raw.toString("latin1"), label);
  expect(exchange.finMs, `${label}: the server's FIN`).toBeDefined();
  expect(exchange.finMs!, `${label}: the server's FIN`).toBeLessThan(finBound);
  return answer;
}

function expectNothingOfTheRequest(text: string, label: string): void {
  expect(text, label).not.toContain(canary);
  // Internals: a stack frame, a source path, an error's name.
  expect(text, label).not.toMatch(/\bat .+:\d+:\d+|node:internal|\/work\/|\.ts\b|\.js\b|Error\b|HPE_/);
}

// ---------------------------------------------------------------------------------------------
// The requests: one well-formed shape, and generators that break one part of it at a time.

const CRLF = "\r\n";

interface Shape {
  method?: string;
  target?: string;
  version?: string;
  /** Header lines as sent, without their line ends. */
  lines?: string[];
  body?: string;
  /** Line end after the request line, each header line, and the blank line. */
  ends?: [string, string, string];
}

function wire(shape: Shape = {}): Buffer {
  const { method = "GET", target = `/echo/query?c=${canary}`, version = "HTTP/1.1", lines = ["host: x", `x-canary: ${canary}`], body = "" } = shape;
  const [afterLine, afterHeader, blank] = shape.ends ?? [CRLF, CRLF, CRLF];
  return Buffer.from(`${method} ${target} ${version}${afterLine}${lines.map((l) => l + afterHeader).join("")}${blank}${body}`, "latin1");
}

const hex = (byte: number) => byte.toString(16).padStart(2, "0");
/** Control characters HTTP allows in no name, and in no value but HTAB. */
const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f];

interface Case {
  name: string;
  request: Buffer;
  status: number;
}

const post = (lines: string[], body = "") => wire({ method: "POST", target: `/echo/json?c=${canary}`, lines: ["host: x", ...lines], body });

const classes: Record<string, Case[]> = {
  "bad methods": ["G@T", "GE(T", "GET{", "get", "Get", "FOO", "BREW", "GETT", " GET", "GET\t", "\x00GET", "G\xc9T", `X${canary}`].map((method) => ({
    name: `method ${JSON.stringify(method)}`,
    request: wire({ method }),
    status: 400,
  })),
  "bad versions": [
    ...["HTTP/1.2", "HTTP/3.0", "HTTP/1.10", "HTTP/11", "http/1.1", "HTTX/1.1", "HTTP/1.1 x", "", "HTTP/1.1\t", `HTTP/${canary}`].map((version) => ({
      name: `version ${JSON.stringify(version)}`,
      request: wire({ version }),
      status: 400,
    })),
    // Node's parser takes these; HTTP/1.x is all this server speaks.
    ...["HTTP/2.0", "HTTP/0.9"].map((version) => ({ name: `version ${version}`, request: wire({ version }), status: 505 })),
    { name: "an HTTP/2 preface", request: Buffer.from(`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n${canary}`), status: 400 },
  ],
  "bare LF and bare CR": (["\n", "\r"] as const).flatMap((end) =>
    ([0, 1, 2] as const).map((at) => {
      const ends: [string, string, string] = [CRLF, CRLF, CRLF];
      ends[at] = end;
      // A byte after the head, so that a bare CR ending it is an error rather than a head still arriving.
      return { name: `${JSON.stringify(end)} ending ${["the request line", "each header", "the head"][at]}`, request: wire({ ends, body: canary }), status: 400 };
    }),
  ),
  "control characters in header names and values": controls.flatMap((byte) => [
    { name: `0x${hex(byte)} in a header name`, request: wire({ lines: ["host: x", `x-${String.fromCharCode(byte)}${canary}: 1`] }), status: 400 },
    ...(byte === 0x09 ? [] : [{ name: `0x${hex(byte)} in a header value`, request: wire({ lines: ["host: x", `x-a: a${String.fromCharCode(byte)}${canary}`] }), status: 400 }]),
  ]),
  "control characters in the target": [...controls.filter((byte) => byte !== 0x0d && byte !== 0x0a), 0x20].map((byte) => ({
    name: `0x${hex(byte)} in the target`,
    request: wire({ target: `/echo/query?c=${canary}${String.fromCharCode(byte)}x` }),
    status: 400,
  })),
  "obs-fold": [" ", "\t", "  "].flatMap((fold) => [
    { name: `a header folded with ${JSON.stringify(fold)}`, request: wire({ lines: ["host: x", "x-a: b", `${fold}${canary}`] }), status: 400 },
    { name: `a fold before any header, with ${JSON.stringify(fold)}`, request: wire({ lines: [`${fold}x-a: ${canary}`, "host: x"] }), status: 400 },
  ]),
  "Content-Length with Transfer-Encoding": ["chunked", "Chunked", "gzip, chunked", " chunked"].flatMap((te) => [
    { name: `CL then TE ${JSON.stringify(te)}`, request: post(["content-type: application/json", "content-length: 2", `transfer-encoding: ${te}`], `2\r\n{}\r\n0\r\n\r\n`), status: 400 },
    { name: `TE ${JSON.stringify(te)} then CL`, request: post(["content-type: application/json", `transfer-encoding: ${te}`, "content-length: 2"], `2\r\n{}\r\n0\r\n\r\n`), status: 400 },
  ]),
  "two Content-Lengths": [["2", "3"], ["2", "2"], ["0", "2"], ["2", "02"]].map(([a, b]) => ({
    name: `content-length ${a} and ${b}`,
    request: post(["content-type: application/json", `content-length: ${a}`, `content-length: ${b}`], "{}x"),
    status: 400,
  })),
  "bad Content-Length values": ["-1", "abc", "1 2", "+5", "0x10", "1,1", "", "1.5", "99999999999999999999999", "18446744073709551616", canary].map((length) => ({
    name: `content-length ${JSON.stringify(length)}`,
    request: post(["content-type: application/json", `content-length: ${length}`], "{}"),
    status: 400,
  })),
  "bad Transfer-Encodings": ["gzip", "chunked, gzip", "xchunked", "identity", canary].map((te) => ({
    name: `transfer-encoding ${JSON.stringify(te)}`,
    request: post(["content-type: application/json", `transfer-encoding: ${te}`], "2\r\n{}\r\n0\r\n\r\n"),
    status: 400,
  })).concat([{ name: "transfer-encoding twice", request: post(["transfer-encoding: chunked", "transfer-encoding: chunked"], "0\r\n\r\n"), status: 400 }]),
  "chunked with bad sizes": [
    ...["zz", "-1", " 1", "1 ", "0x1", "10000000000000000", canary].map((size) => ({ name: `chunk size ${JSON.stringify(size)}`, body: `${size}\r\n{}\r\n0\r\n\r\n` })),
    { name: "chunk data longer than its size", body: `1\r\n{}${canary}\r\n0\r\n\r\n` },
    { name: "chunk data without its CRLF", body: `2\r\n{}X0\r\n\r\n` },
    { name: "a bare LF after a chunk size", body: `2\n{}\r\n0\r\n\r\n` },
  ]
    .map(({ name, body }) => ({ name, request: post(["content-type: application/json", "transfer-encoding: chunked"], body), status: 400 }))
    .concat([{ name: "a 20 KB chunk extension", request: post(["content-type: application/json", "transfer-encoding: chunked"], `2;${canary}${"e".repeat(20_000)}\r\n{}\r\n0\r\n\r\n`), status: 413 }]),
  "oversized heads": [
    { name: "a 100 KB header value", request: wire({ lines: ["host: x", `x-a: ${canary}${"a".repeat(100_000)}`] }), status: 431 },
    { name: "a 100 KB target", request: wire({ target: `/${canary}${"a".repeat(100_000)}` }), status: 414 },
    { name: "20 KB of headers in 400 fields", request: wire({ lines: ["host: x", ...Array.from({ length: 400 }, (_, i) => `x-${i}: ${canary}${"a".repeat(40)}`)] }), status: 431 },
    { name: "1001 tiny header fields", request: wire({ lines: ["host: x", ...Array.from({ length: 1000 }, () => `a:${canary}`)] }), status: 431 },
    { name: "3000 tiny header fields", request: wire({ lines: ["host: x", ...Array.from({ length: 3000 }, () => "a:1")] }), status: 431 },
  ],
  "Host": [
    { name: "no Host in HTTP/1.1", request: wire({ lines: [`x-canary: ${canary}`] }), status: 400 },
    { name: "two Hosts", request: wire({ lines: ["host: a", `host: ${canary}`] }), status: 400 },
    { name: "two Hosts, the same", request: wire({ lines: ["host: a", "Host: a"] }), status: 400 },
  ],
  "expectations other than 100-continue": ["foo", "200-ok", "100-continuex", canary].map((expectation) => ({
    name: `expect ${JSON.stringify(expectation)}`,
    request: post(["content-type: application/json", "content-length: 2", `expect: ${expectation}`], "{}"),
    status: 417,
  })),
  "CONNECT": [{ name: "CONNECT to a host", request: wire({ method: "CONNECT", target: `${canary}.example:443`, lines: [`host: ${canary}.example:443`] }), status: 501 }],
  "bodies declared over the limit": [1024 * 1024 + 1, 10 * 1024 ** 3].flatMap((length) =>
    ["", "expect: 100-continue"].map((expectation) => ({
      name: `content-length ${length}${expectation ? " with Expect: 100-continue" : ""}, nothing sent`,
      request: post(["content-type: application/json", `content-length: ${length}`, `x-canary: ${canary}`, ...(expectation ? [expectation] : [])]),
      status: 413,
    })),
  ),
};

// ---------------------------------------------------------------------------------------------

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

/** Heap in use after a full collection (`gc` exposed for this process, as `node --expose-gc` would). */
function heapAfterCollection(): number {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function openConnections(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

async function expectAllClosed(server: Server, within: number): Promise<void> {
  await expect.poll(() => openConnections(server), { timeout: within, interval: 20 }).toBe(0);
}

describe("hostile input to serve()", () => {
  let served: Served;
  let port: number;
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry) });
    ({ port } = await served.ready);
  });
  afterAll(() => served.drain());

  const expectServing = async () => {
    const answer = parseAnswer((await exchange(port, wire({ target: "/text", lines: ["host: x", "connection: close"] }))).raw);
    expect(answer.status).toBe(200);
    expect(answer.body.toString("utf8")).toBe("héllo wörld");
  };

  for (const [name, cases] of Object.entries(classes)) {
    it(`${name}: ${cases.length} requests, each refused with a problem and closed`, async () => {
      const exchanges = await inBatches(cases, 16, (c) => exchange(port, c.request));
      cases.forEach((c, i) => expectRefusal(exchanges[i]!, c.status, c.name));
      await expectAllClosed(served.server, lingerMs + closeSlack);
      await expectServing();
    });
  }

  it("Expect: 100-continue gets its 100 only once the body is within the job's own limit", async () => {
    const head = (path: string, length: number) =>
      wire({ method: "POST", target: path, lines: ["host: x", "content-type: application/json", `content-length: ${length}`, "expect: 100-continue", "connection: close"] });
    // Within /small's 64 bytes: 100, then the body is read and the job answers.
    const within = await exchange(port, async (socket) => {
      socket.write(head("/small", 2));
      await new Promise<void>((resolve) => socket.once("data", () => resolve()));
      socket.write("{}");
    });
    const answered = parseAnswer(within.raw);
    expect(answered.interim).toEqual([100]);
    expect(answered.status).toBe(202);
    // Over /small's own limit, though far under the app's: 413 and no 100.
    const over = expectRefusal(await exchange(port, head("/small", 65)), 413, "/small over its limit");
    expect(over.interim).toEqual([]);
    expect(JSON.parse(over.body.toString("utf8")).detail).toBe("The body is larger than the limit of 64 bytes");
    // Over the app's limit, on a job whose own is larger: 100, the body read.
    const large = 2 * 1024 * 1024;
    const big = await exchange(port, async (socket) => {
      socket.write(wire({ method: "POST", target: "/big", lines: ["host: x", "content-type: application/octet-stream", `content-length: ${large}`, "expect: 100-continue", "connection: close"] }));
      await new Promise<void>((resolve) => socket.once("data", () => resolve()));
      socket.write(Buffer.alloc(large));
    });
    expect(parseAnswer(big.raw)).toMatchObject({ interim: [100], status: 200 });
    // No route: no 100, and a 404 that closes, the body never sent.
    const lost = parseAnswer((await exchange(port, head("/nowhere", 10))).raw);
    expect(lost).toMatchObject({ interim: [], status: 404, headers: { connection: ["close"] } });
  });

  it("a client that declares 10 GiB and sends nothing: 413 at once, closed, however long it stays", async () => {
    const request = post(["content-type: application/json", `content-length: ${10 * 1024 ** 3}`]);
    const started = performance.now();
    const result = await exchange(port, request, { halfOpen: true, waitMs: 1000 });
    expectRefusal(result, 413, "10 GiB declared");
    // It never closes its side: the server does, at the linger deadline.
    await expectAllClosed(served.server, lingerMs + closeSlack);
    expect(performance.now() - started).toBeGreaterThan(lingerMs - 100);
  });

  it("a body found over the limit while streaming: 413, closed, and at most the linger's bytes read after", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let answeredAt = -1;
    const result = await exchange(
      port,
      (socket) =>
        new Promise<void>((resolve) => {
          socket.write(wire({ method: "POST", target: "/echo/bytes", lines: ["host: x", "content-type: application/octet-stream", "transfer-encoding: chunked"] }));
          socket.once("data", () => (answeredAt = socket.bytesWritten));
          // A client that streams on regardless of the answer, until the server stops it.
          const pump = () => {
            while (!socket.destroyed && socket.bytesWritten < 256 * 1024 * 1024) {
              if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString("latin1")}\r\n`)) return void socket.once("drain", pump);
            }
            resolve();
          };
          socket.on("close", () => resolve());
          pump();
        }),
      { halfOpen: true, until: "close", waitMs: lingerMs + closeSlack },
    );
    const answer = parseAnswer(result.raw);
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toEqual(["close"]);
    expect(answeredAt).toBeGreaterThan(1024 * 1024);
    await expectAllClosed(served.server, lingerMs + closeSlack);
    // Past the answer the server read at most lingerBytes; the rest is what socket buffers hold.
    expect(result.written - answeredAt).toBeLessThan(lingerBytes + 32 * 1024 * 1024);
    expect(result.written).toBeLessThan(64 * 1024 * 1024);
  });

  it("a parser error while an answer is under way: no refusal written into it, the connection dropped", async () => {
    const result = await exchange(port, async (socket) => {
      socket.write(wire({ target: "/drip", lines: ["host: x"] }));
      await new Promise<void>((resolve) => socket.once("data", () => resolve()));
      socket.write(`G@T /${canary} HTTP/1.1\r\n\r\n`);
    });
    const text = result.raw.toString("latin1");
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(text).not.toContain(canary);
    await expectAllClosed(served.server, lingerMs + closeSlack);
  });

  it("logs each refusal once, with its status and request id and nothing the client sent", () => {
    const refused = logs.filter((entry) => entry.message.startsWith("refused a malformed request"));
    expect(refused.length).toBeGreaterThan(150);
    for (const entry of refused) {
      expect(entry).toMatchObject({ severity: "INFO", status: expect.any(Number), requestId: expect.stringMatching(/^[\da-f-]{36}$/) });
      expect(entry.code).toMatch(/^(HPE_[A-Z\d_]+|ERR_HTTP_REQUEST_TIMEOUT)$/);
    }
    expect(JSON.stringify(logs)).not.toContain(canary);
    expect(logs.filter((entry) => entry.severity === "ERROR")).toEqual([]);
  });

  it("stays small over thousands of hostile requests, and still serves", async () => {
    const mix = Object.values(classes).flatMap((cases) => cases.slice(0, 6));
    const round = async (checked: number) => {
      const exchanges = await inBatches(mix, 32, (c) => exchange(port, c.request));
      // One answer checked per round keeps the loop about the server rather than the checks.
      expectRefusal(exchanges[checked % mix.length]!, mix[checked % mix.length]!.status, "under load");
    };
    await round(0);
    const rssBefore = process.memoryUsage().rss;
    const heapBefore = heapAfterCollection();
    const rounds = Math.ceil(3000 / mix.length);
    for (let i = 1; i <= rounds; i++) await round(i);
    await expectAllClosed(served.server, lingerMs + closeSlack);
    // What survives a collection: nothing per connection is kept (the log lines this file keeps, ~1 MiB, are).
    expect(heapAfterCollection() - heapBefore).toBeLessThan(8 * 1024 * 1024);
    // The process as the OS sees it: V8 grows its heap under load, then keeps it.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(96 * 1024 * 1024);
    await expectServing();
  }, 25_000);
});

describe("hostile timing, with short timeouts", () => {
  let served: Served;
  let port: number;
  const headersTimeout = 300;
  const requestTimeout = 600;

  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, headersTimeout, requestTimeout });
    ({ port } = await served.ready);
  });
  afterAll(() => served.drain());

  const drip = (parts: string[], everyMs: number): Writer => async (socket) => {
    for (const part of parts) {
      if (socket.destroyed) return;
      socket.write(part);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };

  it("slow headers: 408 within 110 % of headersTimeout, closed", async () => {
    const started = performance.now();
    const result = await exchange(port, drip(["GET /text HTTP/1.1\r\n", "host: x\r\n", ...Array.from({ length: 40 }, (_, i) => `x-${i}: ${canary}\r\n`)], 50));
    const elapsed = performance.now() - started;
    const answer = parseAnswer(result.raw);
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toEqual(["close"]);
    expectNothingOfTheRequest(result.raw.toString("latin1"), "slow headers");
    expect(elapsed).toBeGreaterThanOrEqual(headersTimeout - 10);
    expect(elapsed).toBeLessThan(headersTimeout * 1.1 + 200);
  });

  it("a slow body: 408 within 110 % of requestTimeout, closed", async () => {
    const started = performance.now();
    const head = `POST /echo/bytes HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\ncontent-length: 100\r\n\r\n`;
    const result = await exchange(port, drip([head, ...Array.from({ length: 40 }, () => "a")], 50));
    const elapsed = performance.now() - started;
    expectRefusal(result, 408, "slow body");
    expect(elapsed).toBeGreaterThanOrEqual(requestTimeout - 10);
    expect(elapsed).toBeLessThan(requestTimeout * 1.1 + 200);
    await expectAllClosed(served.server, lingerMs + closeSlack);
  });

  it("a connection that sends nothing but a request's first bytes: 408, closed", async () => {
    const result = await exchange(port, "GE");
    expect(parseAnswer(result.raw).status).toBe(408);
  });
});

describe("wrap() on a server of your own", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer(wrap(app, { log: false }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("refuses a body declared over the limit with a problem and closes, as serve() does", async () => {
    expectRefusal(await exchange(port, post(["content-type: application/json", `content-length: ${10 * 1024 ** 3}`])), 413, "wrap, 10 GiB");
  });

  it("leaves what Node's parser refuses to the server's own clientError (README: Node server)", async () => {
    const answer = (await exchange(port, wire({ method: "G@T" }))).raw.toString("latin1");
    expect(answer).toBe("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });
});
