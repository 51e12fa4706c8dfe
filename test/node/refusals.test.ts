// What serve() refuses before the pipeline, one request of each kind, as the client reads it on
// the wire: the status and its reason, the problem's detail, the CORS headers of a parsed request,
// the framing (one content-length, none of the body for HEAD, `connection: close`), and the one
// log line each refusal writes. hostile.test.ts sends each class in all its forms, with the
// timing of the close; this file is the fast specification of each answer.
import { maxHeaderSize } from "node:http";
import { connect } from "node:net";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cors, job, routes, type LogEntry } from "jobwrap";
import { serve, type Served } from "jobwrap/node";

const web = "https://web.test";
const uuid = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/;

const app = routes({
  "GET /text": job({}, () => ({ body: "served" })),
  "POST /json": job({ body: v.looseObject({}) }, () => ({ status: 204 })),
  // An answer under way that never ends: its first chunk sent, the rest never.
  "GET /drip": job({}, () => ({
    body: new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode("first;")),
      pull: () => new Promise<void>(() => {}),
    }),
  })),
});

interface Answer {
  status: number;
  reason: string;
  /** Lower-case names, every value kept. */
  headers: Record<string, string[]>;
  body: string;
  /** Every byte the server sent. */
  raw: string;
}

/**
 * Sends `request` as raw bytes and reads all the server sends until it closes; `after`, if given,
 * is sent once what has come back satisfies `when` (by default, once anything has).
 */
function exchange(port: number, request: string | string[], after?: string, when: (received: string) => boolean = (received) => received !== ""): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let raw = "";
    let sent = after === undefined;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(raw);
    };
    const timer = setTimeout(done, 5000);
    socket.on("data", (chunk: Buffer) => {
      raw += chunk.toString("latin1");
      if (!sent && when(raw)) {
        sent = true;
        socket.write(after!);
      }
    });
    socket.on("error", () => {});
    socket.on("end", done);
    socket.on("close", done);
    // Parts each in a packet of its own.
    const parts = typeof request === "string" ? [request] : request;
    parts.forEach((part, i) => setTimeout(() => socket.writable && socket.write(part, "latin1"), 50 * i));
  });
}

function parse(raw: string): Answer {
  const end = raw.indexOf("\r\n\r\n");
  const [line, ...fields] = raw.slice(0, end).split("\r\n");
  const [, status, reason] = /^HTTP\/1\.1 (\d{3}) (.+)$/.exec(line!)!;
  const headers: Record<string, string[]> = {};
  for (const field of fields) {
    const colon = field.indexOf(":");
    (headers[field.slice(0, colon).toLowerCase()] ??= []).push(field.slice(colon + 1).trim());
  }
  return { status: Number(status), reason: reason!, headers, body: Buffer.from(raw.slice(end + 4), "latin1").toString("utf8"), raw };
}

/** A refusal: the problem with its status, reason and detail, its length framed, the connection closed. */
function expectProblem(answer: Answer, status: number, reason: string, detail: string): string {
  expect([answer.status, answer.reason]).toEqual([status, reason]);
  expect(answer.headers["content-type"]).toEqual(["application/problem+json"]);
  expect(answer.headers["connection"]).toEqual(["close"]);
  expect(answer.headers["content-length"]).toEqual([String(Buffer.byteLength(answer.body))]);
  expect(answer.headers["date"]).toHaveLength(1);
  const requestId = answer.headers["x-request-id"]![0]!;
  expect(JSON.parse(answer.body)).toEqual({ type: "about:blank", title: reason, status, detail, requestId });
  return requestId;
}

const head = (line: string, ...fields: string[]) => `${line}\r\n${fields.map((field) => `${field}\r\n`).join("")}\r\n`;

describe("serve()'s refusals before the pipeline", () => {
  let served: Served;
  let port: number;
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry), cors: cors({ origin: [web] }) });
    ({ port } = await served.ready);
  });
  afterAll(() => served.drain());

  const logOf = (requestId: string) => logs.filter((entry) => entry.requestId === requestId);

  it("a request Node's parser refuses after an answered one on the same connection: no CORS for the finished request's Origin", async () => {
    const raw = await exchange(port, head("GET /text HTTP/1.1", "host: x", `origin: ${web}`), head("G@T /text HTTP/1.1", "host: x"));
    const second = raw.indexOf("HTTP/1.1 ", 1);
    const first = parse(raw.slice(0, second));
    expect(first.status).toBe(200);
    expect(first.headers["access-control-allow-origin"]).toEqual([web]);
    const refused = parse(raw.slice(second));
    expectProblem(refused, 400, "Bad Request", "The request method is not one HTTP/1.1 defines");
    expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
    expect(refused.headers["vary"]).toEqual(["Origin"]);
  });

  it("a request Node's parser refuses: 400 naming what is wrong, no CORS (no Origin was parsed), one INFO line with Node's code", async () => {
    const answer = parse(await exchange(port, head("G@T /text HTTP/1.1", "host: x", `origin: ${web}`)));
    const requestId = expectProblem(answer, 400, "Bad Request", "The request method is not one HTTP/1.1 defines");
    expect(requestId).toMatch(uuid);
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(answer.headers["vary"]).toEqual(["Origin"]);
    expect(logOf(requestId)).toEqual([
      { severity: "INFO", message: "refused a malformed request: 400", status: 400, code: "HPE_INVALID_METHOD", requestId, platform: "node" },
    ]);
  });

  it("a request target past the header limit: 414, in one packet; long headers: 431", async () => {
    // The request line alone, still arriving: the target is what overflows.
    const target = parse(await exchange(port, `GET /${"a".repeat(maxHeaderSize)}`));
    const id414 = expectProblem(target, 414, "URI Too Long", `The request target is longer than the limit of ${maxHeaderSize} bytes for the request line and headers`);
    expect(logOf(id414)).toMatchObject([{ message: "refused a malformed request: 414", status: 414, code: "HPE_HEADER_OVERFLOW" }]);
    const fields = parse(await exchange(port, head("GET /text HTTP/1.1", "host: x", `x-long: ${"a".repeat(maxHeaderSize)}`)));
    expectProblem(fields, 431, "Request Header Fields Too Large", `The request line and headers are larger than the limit of ${maxHeaderSize} bytes`);
    // Sent in packets, the one that overflows holds a header line: the headers are what is too long.
    const slow = parse(await exchange(port, ["GET /text HTTP/1.1\r\nhost: x\r\n", `x-long: ${"a".repeat(maxHeaderSize)}`]));
    expect(slow.status).toBe(431);
  });

  it("chunk extensions past Node's limit: 413", async () => {
    const request = head("POST /text HTTP/1.1", "host: x", "transfer-encoding: chunked") + `2;${"e".repeat(20_000)}\r\n{}\r\n0\r\n\r\n`;
    expectProblem(parse(await exchange(port, request)), 413, "Content Too Large", "The chunk extensions are larger than this server accepts");
  });

  it("a version other than HTTP/1.x: 505, with the CORS headers of its Origin, and an access line without the query", async () => {
    const answer = parse(await exchange(port, head("GET /text?secret=1 HTTP/2.0", "host: x", `origin: ${web}`)));
    const requestId = expectProblem(answer, 505, "HTTP Version Not Supported", "This server speaks HTTP/1.0 and HTTP/1.1");
    expect(answer.headers["access-control-allow-origin"]).toEqual([web]);
    expect(logOf(requestId)).toEqual([
      { severity: "INFO", message: "GET /text 505", method: "GET", path: "/text", status: 505, durationMs: 0, requestId, platform: "node" },
    ]);
  });

  it("takes the request id of a parsed request it refuses from x-request-id", async () => {
    const answer = parse(await exchange(port, head("GET /text HTTP/2.0", "host: x", "x-request-id: refused-1")));
    expect(expectProblem(answer, 505, "HTTP Version Not Supported", "This server speaks HTTP/1.0 and HTTP/1.1")).toBe("refused-1");
  });

  it("more than 1000 header fields: 431", async () => {
    const fields = ["host: x", ...Array.from({ length: 1000 }, (_, i) => `x-${i}: 1`)];
    expectProblem(parse(await exchange(port, head("GET /text HTTP/1.1", ...fields))), 431, "Request Header Fields Too Large", "The request has more than 1000 header fields");
    // 1000 fields in all are served.
    const within = parse(await exchange(port, head("GET /text HTTP/1.1", ...fields.slice(0, 999), "connection: close")));
    expect([within.status, within.body]).toEqual([200, "served"]);
  });

  it("Host: missing in HTTP/1.1 or repeated, 400; missing in HTTP/1.0, served; a field merely like it counts for nothing", async () => {
    expectProblem(parse(await exchange(port, head("GET /text HTTP/1.1"))), 400, "Bad Request", "An HTTP/1.1 request must have a Host header field");
    expectProblem(parse(await exchange(port, head("GET /text HTTP/1.1", "host: a", "HOST: a"))), 400, "Bad Request", "The request has more than one Host header field");
    expectProblem(parse(await exchange(port, head("GET /text HTTP/1.1", "ghost: a", "hosts: b", "x-ho: c"))), 400, "Bad Request", "An HTTP/1.1 request must have a Host header field");
    const old = parse(await exchange(port, head("GET /text HTTP/1.0")));
    expect([old.status, old.body]).toEqual([200, "served"]);
    const one = parse(await exchange(port, head("GET /text HTTP/1.1", "Host: a", "ghost: b", "connection: close")));
    expect([one.status, one.body]).toEqual([200, "served"]);
  });

  it("a HEAD refused: the length of the problem it leaves out, once, and no body", async () => {
    const raw = await exchange(port, head("HEAD /text HTTP/1.1", "host: a", "host: b"));
    const answer = parse(raw);
    expect([answer.status, answer.body]).toEqual([400, ""]);
    const length = Number(answer.headers["content-length"]![0]);
    expect(answer.headers["content-length"]).toHaveLength(1);
    expect(length).toBe(Buffer.byteLength(JSON.stringify({ type: "about:blank", title: "Bad Request", status: 400, detail: "The request has more than one Host header field", requestId: answer.headers["x-request-id"]![0] })));
  });

  it("an expectation other than 100-continue: 417, with CORS, logged; a bad Host there is refused first", async () => {
    const answer = parse(await exchange(port, head("POST /text HTTP/1.1", "host: x", "expect: 200-ok", "content-length: 2", `origin: ${web}`) + "{}"));
    const requestId = expectProblem(answer, 417, "Expectation Failed", "The only expectation this server meets is 100-continue");
    expect(answer.headers["access-control-allow-origin"]).toEqual([web]);
    expect(logOf(requestId)).toMatchObject([{ severity: "INFO", message: "POST /text 417", status: 417 }]);
    const hosts = parse(await exchange(port, head("POST /text HTTP/1.1", "host: x", "host: y", "expect: 200-ok", "content-length: 2") + "{}"));
    expectProblem(hosts, 400, "Bad Request", "The request has more than one Host header field");
  });

  it("CONNECT: 501, with the CORS headers of its Origin, one INFO line naming no target", async () => {
    const answer = parse(await exchange(port, head("CONNECT elsewhere.test:443 HTTP/1.1", "host: elsewhere.test:443", `origin: ${web}`)));
    const requestId = expectProblem(answer, 501, "Not Implemented", "This server is no proxy: it does not serve CONNECT");
    expect(answer.headers["access-control-allow-origin"]).toEqual([web]);
    expect(logOf(requestId)).toEqual([{ severity: "INFO", message: "refused a CONNECT: 501", method: "CONNECT", status: 501, requestId, platform: "node" }]);
  });

  it("a parser error while an answer is under way: nothing written into it, the connection dropped, nothing logged", async () => {
    const before = logs.length;
    const raw = await exchange(port, head("GET /drip HTTP/1.1", "host: x"), head("G@T /text HTTP/1.1", "host: x"));
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(logs.slice(before).filter((entry) => entry.message.startsWith("refused"))).toEqual([]);
  });

  it("keeps serving after each refusal", async () => {
    const answer = parse(await exchange(port, head("GET /text HTTP/1.1", "host: x", "connection: close")));
    expect([answer.status, answer.body]).toEqual([200, "served"]);
  });
});

describe("serve()'s 408 for a request that does not arrive in time", () => {
  let served: Served;
  let port: number;
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry), cors: cors({ origin: [web] }), requestTimeout: 150 });
    ({ port } = await served.ready);
  });
  afterAll(() => served.drain());

  it("a body that does not come: 408, with the CORS headers of the request Node parsed", async () => {
    const answer = parse(await exchange(port, head("POST /json HTTP/1.1", "host: x", "content-type: application/json", "content-length: 100", `origin: ${web}`)));
    const requestId = expectProblem(answer, 408, "Request Timeout", "The request did not arrive in time");
    expect(answer.headers["access-control-allow-origin"]).toEqual([web]);
    expect(logs.filter((entry) => entry.requestId === requestId)).toMatchObject([{ message: "refused a malformed request: 408", code: "ERR_HTTP_REQUEST_TIMEOUT" }]);
  });

  it("headers that do not come: 408, no CORS (no Origin was parsed)", async () => {
    const answer = parse(await exchange(port, "GET /text HTTP/1.1\r\nhost: x\r\n"));
    expectProblem(answer, 408, "Request Timeout", "The request did not arrive in time");
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

// Each on a server of its own, built inside the test: the refusals on the socket itself (HEAD,
// a body-less answer, Latin-1 header bytes), the linger after them, the listeners serve() installs,
// and what is not the client's fault.
let textRuns = 0;
const counted = routes({
  "GET /text": job({}, () => {
    textRuns++;
    return { body: "served" };
  }),
  "POST /small": job({ body: v.looseObject({}) }, () => ({ status: 202 }), { bodyLimit: 64 }),
  // Answer without reading the body sent.
  "POST /nothing": job({}, () => ({ status: 204 })),
  "POST /named": job({}, () => ({ headers: { "x-name": "café" }, body: "named" })),
  "GET /drip": app.table["GET /drip"],
  // More than the kernel's buffers hold: its end is written only as the client reads.
  "POST /large": job({}, () => ({ body: "b".repeat(8 * 1024 * 1024) })),
});

async function withServer(run: (port: number, logs: LogEntry[], served: Served) => Promise<void>): Promise<void> {
  const logs: LogEntry[] = [];
  const served = serve(counted, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry), compress: false, bodyLimit: 1024, drainTimeout: 200 });
  const { port } = await served.ready;
  try {
    await run(port, logs, served);
  } finally {
    await served.drain();
  }
}

describe("serve()'s refusals, each on a server of its own", () => {
  it("more than 1000 header fields: 431; the job never runs", async () => {
    await withServer(async (port) => {
      textRuns = 0;
      const fields = ["host: x", ...Array.from({ length: 1000 }, (_, i) => `x-${i}: 1`)];
      expectProblem(parse(await exchange(port, head("GET /text HTTP/1.1", ...fields))), 431, "Request Header Fields Too Large", "The request has more than 1000 header fields");
      expectProblem(parse(await exchange(port, head("GET /text HTTP/1.1", "host: a", "host: b"))), 400, "Bad Request", "The request has more than one Host header field");
      expect(textRuns).toBe(0);
    });
  });

  it("an HTTP/1.1 request without Host: the problem's 400, not Node's bare one", async () => {
    await withServer(async (port) => {
      expectProblem(parse(await exchange(port, head("GET /text HTTP/1.1"))), 400, "Bad Request", "An HTTP/1.1 request must have a Host header field");
    });
  });

  it("a HEAD with an expectation the server does not meet: 417 with the length of the problem it leaves out, once, and no body", async () => {
    await withServer(async (port) => {
      const answer = parse(await exchange(port, head("HEAD /text HTTP/1.1", "host: x", "expect: 200-ok")));
      expect([answer.status, answer.reason, answer.body]).toEqual([417, "Expectation Failed", ""]);
      const problem = { type: "about:blank", title: "Expectation Failed", status: 417, detail: "The only expectation this server meets is 100-continue", requestId: answer.headers["x-request-id"]![0] };
      expect(answer.headers["content-length"]).toEqual([String(Buffer.byteLength(JSON.stringify(problem)))]);
    });
  });

  it("a body-less answer that leaves a large body unread: its length 0, the connection closed", async () => {
    await withServer(async (port) => {
      const answer = parse(await exchange(port, head("POST /nothing HTTP/1.1", "host: x", "content-length: 100000")));
      expect([answer.status, answer.body]).toEqual([204, ""]);
      expect(answer.headers["content-length"]).toEqual(["0"]);
      expect(answer.headers["connection"]).toEqual(["close"]);
    });
  });

  it("a job's header value past ASCII, on an answer that leaves a large body unread: its Latin-1 bytes, as Node writes them", async () => {
    await withServer(async (port) => {
      const answer = parse(await exchange(port, head("POST /named HTTP/1.1", "host: x", "content-length: 100000")));
      expect([answer.status, answer.body]).toEqual([200, "named"]);
      expect(answer.headers["x-name"]).toEqual(["caf\u00e9"]);
    });
  });

  it("after a refusal, the server closes as soon as the client closes its side, well before the linger's end", async () => {
    await withServer(async (port) => {
      const closedAfter = await new Promise<number>((resolve) => {
        const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
        socket.on("error", () => {});
        let ended = 0;
        socket.on("end", () => {
          ended = Date.now();
          socket.end();
        });
        socket.on("close", () => resolve(Date.now() - ended));
        socket.resume();
        socket.write(head("POST /small HTTP/1.1", "host: x", "content-type: application/json", "content-length: 100"));
      });
      expect(closedAfter).toBeLessThan(1000);
    });
  });

  it("an answer written on the socket (a large body left unread) to a client that closed its side before reading: it reaches the client whole", async () => {
    await withServer(async (port) => {
      const received = await new Promise<string>((resolve) => {
        const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
        socket.on("error", () => {});
        socket.pause();
        let raw = "";
        socket.write(head("POST /large HTTP/1.1", "host: x", "content-length: 100000"), () =>
          // The answer is being written; the client closes its side, and reads only after.
          setTimeout(() => {
            socket.end();
            setTimeout(() => {
              socket.on("data", (chunk: Buffer) => (raw += chunk.toString("latin1")));
              socket.on("close", () => resolve(raw));
              socket.resume();
            }, 100);
          }, 50),
        );
      });
      const answer = parse(received);
      expect(answer.status).toBe(200);
      expect(answer.headers["content-length"]).toEqual([String(8 * 1024 * 1024)]);
      expect(answer.body.length).toBe(8 * 1024 * 1024);
    });
  });

  it("after a refusal, a client that neither sends nor closes is cut off when the 2 s linger ends, not before", async () => {
    await withServer(async (port, _logs, served) => {
      const open = () => new Promise<number>((resolve) => served.server.getConnections((_error, count) => resolve(count)));
      const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
      socket.on("error", () => {});
      socket.resume();
      const ended = new Promise((resolve) => socket.once("end", resolve));
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
      try {
        socket.write(head("POST /small HTTP/1.1", "host: x", "content-type: application/json", "content-length: 100"));
        await ended;
        vi.advanceTimersByTime(1900);
        expect(await open()).toBe(1);
        vi.advanceTimersByTime(100);
        await new Promise((resolve) => setImmediate(resolve));
        expect(await open()).toBe(0);
      } finally {
        vi.useRealTimers();
        socket.destroy();
      }
    });
  });

  it("a CONNECT whose client resets the connection while the server lingers: the server serves on", async () => {
    await withServer(async (port) => {
      await new Promise<void>((resolve) => {
        const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
        socket.on("error", () => {});
        socket.once("data", () => {
          socket.write("more bytes for the tunnel");
          setTimeout(() => {
            socket.resetAndDestroy();
            resolve();
          }, 20);
        });
        socket.write(head("CONNECT elsewhere.test:443 HTTP/1.1", "host: elsewhere.test:443"));
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const answer = parse(await exchange(port, head("GET /text HTTP/1.1", "host: x", "connection: close")));
      expect([answer.status, answer.body]).toEqual([200, "served"]);
    });
  });

  it("a client that resets the connection in the middle of its headers: nothing answered, nothing logged", async () => {
    await withServer(async (port, logs) => {
      await new Promise<void>((resolve) => {
        const socket = connect({ port, host: "127.0.0.1" });
        socket.on("error", () => {});
        socket.write("GET /text HTTP/1.1\r\nhost: x\r\nx-half: ", () =>
          setTimeout(() => {
            socket.resetAndDestroy();
            resolve();
          }, 20),
        );
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(logs.filter((entry) => entry.message.startsWith("refused"))).toEqual([]);
    });
  });

  it("a parser error behind a pipelined request, while the answer before it is under way: nothing written into it, nothing logged", async () => {
    await withServer(async (port, logs) => {
      const raw = await exchange(port, head("GET /drip HTTP/1.1", "host: x") + head("GET /text HTTP/1.1", "host: x"), head("G@T /text HTTP/1.1", "host: x"));
      expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(logs.filter((entry) => entry.message.startsWith("refused"))).toEqual([]);
    });
  });

  it("a parser error while the second of two pipelined answers is under way, the first finished: nothing written into it, nothing logged", async () => {
    await withServer(async (port, logs) => {
      // The first answer whole and the second begun: only then the malformed request.
      const raw = await exchange(port, head("GET /text HTTP/1.1", "host: x") + head("GET /drip HTTP/1.1", "host: x"), head("G@T /text HTTP/1.1", "host: x"), (received) =>
        received.includes("first;"),
      );
      expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(raw).toContain("served");
      expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(2);
      expect(raw).not.toContain("problem+json");
      expect(logs.filter((entry) => entry.message.startsWith("refused"))).toEqual([]);
    });
  });

  it("long headers sent slowly, the packet that overflows holding a value with a space: 431, not 414", async () => {
    await withServer(async (port) => {
      const slow = parse(await exchange(port, ["GET /text HTTP/1.1\r\nhost: x\r\nx-long: ", `"a b${"a".repeat(maxHeaderSize)}`]));
      expect(slow.status).toBe(431);
    });
  });
});
