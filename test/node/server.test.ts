// What the Node server adds around the contract: health checks, the body limit enforced while
// reading, `wrap` on an existing server, request ids, client disconnects, readiness in a drain.
import { Agent, createServer, request, type Server } from "node:http";
import { connect } from "node:net";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cors, job, routes, type LogEntry } from "jobwrap";
import { serve, wrap, type Served } from "jobwrap/node";
import { api } from "../../examples/users/index.js";
import { send } from "../support/http.js";

/** A version 4 UUID, as a fresh request id is. */
const uuidV4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;

const aborted: string[] = [];
let release: () => void = () => {};

const app = routes({
  "POST /user": api.table["POST /user"],
  "POST /upload": job({ body: v.instance(Uint8Array) }, ({ body }) => ({ body: { bytes: body.length } }), { accept: "bytes" }),
  "GET /hang": job({}, async (_input, ctx) => {
    await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
    aborted.push(ctx.requestId);
    return {};
  }),
  "GET /block": job({}, async () => {
    await new Promise<void>((resolve) => (release = resolve));
    return { body: "released" };
  }),
  "GET /id": job({}, (_input, ctx) => ({ body: ctx.requestId })),
});

describe("serve()", () => {
  let served: Served;
  let base: string;
  let port: number;
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry) });
    ({ url: base, port } = await served.ready);
  });
  afterAll(() => served.drain());

  it("answers liveness and readiness, GET and HEAD, never cached", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const res = await send(base, { method: "GET", path });
      expect(res.status).toBe(200);
      expect(new TextDecoder().decode(res.body)).toBe('{"status":"ok"}');
      expect(res.headers["cache-control"]).toEqual(["no-store"]);
      expect((await send(base, { method: "HEAD", path })).status).toBe(200);
    }
  });

  it("a request that brings no id gets a fresh one: 1,000 requests, past several draws of random bytes, every id a version 4 UUID, none repeated, every random digit varying", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const res = await send(base, { method: "GET", path: "/id" }, agent);
      const id = res.headers["x-request-id"]![0]!;
      expect(new TextDecoder().decode(res.body)).toBe(id);
      ids.push(id);
    }
    agent.destroy();
    for (const id of ids) expect(id).toMatch(uuidV4);
    expect(new Set(ids).size).toBe(1000);
    // Each position but the version's holds every digit it may among 1,000 random ids (missing one
    // has a chance below 10^-25): the variant's four, the others all sixteen.
    for (let at = 0; at < 36; at++) {
      if ([8, 13, 14, 18, 23].includes(at)) continue;
      expect(new Set(ids.map((id) => id[at])).size, `position ${at}`).toBe(at === 19 ? 4 : 16);
    }
    // No position copies another, in the same id or the one before: for independent digits a given pair
    // of positions agrees in 1 of 16 ids (~62 of 1,000; 150 is eleven standard deviations above).
    const random = [...Array(36).keys()].filter((at) => ![8, 13, 14, 18, 19, 23].includes(at));
    for (const [from, to, previous] of random.flatMap((a) => random.flatMap((b) => [[a, b, true], ...(a === b ? [] : [[a, b, false]])] as [number, number, boolean][]))) {
      let same = 0;
      for (let n = 1; n < ids.length; n++) if (ids[n]![from] === ids[previous ? n - 1 : n]![to]) same++;
      expect(same, `position ${from} against ${to} of ${previous ? "the id before" : "the same id"}`).toBeLessThan(150);
    }
  });

  it("the first request a freshly loaded server answers gets a random id too", async () => {
    vi.resetModules();
    const fresh = await import("jobwrap/node");
    const other = fresh.serve(routes({ "GET /id": job({}, (_input, ctx) => ({ body: ctx.requestId })) }), { port: 0, host: "127.0.0.1", signals: [], log: false });
    const { url } = await other.ready;
    const first = (await send(url, { method: "GET", path: "/id" })).headers["x-request-id"]![0]!;
    await other.drain();
    expect(first).toMatch(uuidV4);
    // 30 random digits show fewer than 6 of the 16 less than once in 10^11 times; "00000000-0000-4000-8000-000000000000" shows 3.
    expect(new Set(first.replaceAll("-", "")).size).toBeGreaterThanOrEqual(6);
  });

  it("answers them whatever query follows the path, and not on a path that only begins like them", async () => {
    for (const path of ["/healthz?probe=1", "/readyz?", "/healthz?a=1?b=2"]) {
      const res = await send(base, { method: "GET", path });
      expect(res.status, path).toBe(200);
      expect(new TextDecoder().decode(res.body), path).toBe('{"status":"ok"}');
    }
    for (const path of ["/healthz/", "/healthzz", "/readyz/x"]) expect((await send(base, { method: "GET", path })).status, path).toBe(404);
  });

  it("refuses a route table that claims a health path", () => {
    const clash = routes({ "GET /healthz": job({}, () => ({})) });
    expect(() => serve(clash, { port: 0, signals: [] })).toThrow(/keeps for health checks/);
  });

  it("refuses to start on a drain timeout from the environment that is not a number", () => {
    process.env.JOBWRAP_DRAIN_TIMEOUT_MS = "ten seconds";
    try {
      expect(() => serve(app, { port: 0, signals: [] })).toThrow(/JOBWRAP_DRAIN_TIMEOUT_MS must be a number/);
    } finally {
      delete process.env.JOBWRAP_DRAIN_TIMEOUT_MS;
    }
  });

  it("sets keep-alive above load balancers' idle timeouts", () => {
    expect(served.server.keepAliveTimeout).toBeGreaterThan(600_000);
  });

  it("refuses a declared 10 MiB body with 413 before a byte of it is sent", async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/upload",
        headers: { "content-type": "application/octet-stream", "content-length": String(10 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on("error", reject);
      req.flushHeaders();
    });
    expect(answer).toBe(413);
  });

  it("refuses a streamed 10 MiB body with 413 once past the limit, without reading it all", async () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    const { status, sentWhenAnswered } = await new Promise<{ status: number; sentWhenAnswered: number }>((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/upload",
        headers: { "content-type": "application/octet-stream", "transfer-encoding": "chunked" },
      });
      req.on("response", (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode!, sentWhenAnswered: sent });
      });
      req.on("error", (error) => (answered ? undefined : reject(error)));
      const pump = () => {
        while (!answered && sent < 10 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", () => setTimeout(pump, 1));
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    // The answer came while most of the 10 MiB was still unsent: it was never held whole.
    expect(sentWhenAnswered).toBeLessThan(5 * 1024 * 1024);
  });

  it("logs a body cut short by the client as its fault (400), not as a failed job", async () => {
    const req = request({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/upload",
      headers: { "content-type": "application/octet-stream", "content-length": "1000", "x-request-id": "cut-short" },
    });
    req.on("error", () => {});
    req.write(Buffer.alloc(10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await expect.poll(() => logs.find((entry) => entry.requestId === "cut-short" && typeof entry.status === "number")).toMatchObject({
      status: 400,
      severity: "INFO",
    });
    expect(logs.filter((entry) => entry.requestId === "cut-short" && entry.severity === "ERROR")).toEqual([]);
  });

  it("takes a body under the limit", async () => {
    const res = await send(base, {
      method: "POST",
      path: "/upload",
      headers: { "content-type": "application/octet-stream" },
      body: new Uint8Array(1024 * 1024 - 1),
    });
    expect(JSON.parse(new TextDecoder().decode(res.body))).toEqual({ bytes: 1024 * 1024 - 1 });
  });

  it("takes the request id from x-request-id, else traceparent, else makes one; unsafe ids are replaced", async () => {
    const ids = async (headers: Record<string, string>) => {
      const res = await send(base, { method: "GET", path: "/id", headers });
      return { body: new TextDecoder().decode(res.body), header: res.headers["x-request-id"]![0]! };
    };
    expect(await ids({ "x-request-id": "abc-123" })).toEqual({ body: "abc-123", header: "abc-123" });
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    expect((await ids({ traceparent: `00-${trace}-00f067aa0ba902b7-01` })).body).toBe(trace);
    const made = await ids({ "x-request-id": 'no "quotes" allowed' });
    expect(made.body).toMatch(/^[\da-f-]{36}$/);
    expect(made.header).toBe(made.body);
  });

  it("aborts ctx.signal when the client goes away", async () => {
    const req = request({ host: "127.0.0.1", port, path: "/hang", headers: { "x-request-id": "gone-1" } });
    req.on("error", () => {});
    req.end();
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    await expect.poll(() => aborted).toContain("gone-1");
  });
});

describe("wrap() on an existing node:http server", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(wrap(api, { log: false }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("serves the route table", async () => {
    const created = await send(base, { method: "POST", path: "/user", headers: { "content-type": "application/json" }, body: '{"name":"Wrapped"}' });
    expect(created.status).toBe(201);
    const read = await send(base, { method: "GET", path: "/user/Wrapped" });
    expect(JSON.parse(new TextDecoder().decode(read.body))).toEqual({ name: "Wrapped" });
  });
});

describe("drain()", () => {
  it("finishes the request in flight with connection: close, and drops what was pipelined behind it", async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false });
    const { port } = await served.ready;
    const socket = connect(port, "127.0.0.1");
    let raw = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (raw += chunk));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.write("GET /block HTTP/1.1\r\nhost: x\r\n\r\nGET /id HTTP/1.1\r\nhost: x\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const drained = served.drain();
    release();
    await drained;
    await closed;
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(raw).toMatch(/\r\nconnection: close\r\n/i);
    expect(raw).toContain("released");
    // A client retries a pipelined request the server closed on (RFC 9112 §9.3.2).
    expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it("with a drain delay: /readyz turns 503 at once, requests are still served, then the listener closes", async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, drainDelay: 400 });
    const { url, port } = await served.ready;
    const drained = served.drain();
    const ready = await send(url, { method: "GET", path: "/readyz" });
    expect(ready.status).toBe(503);
    expect(new TextDecoder().decode(ready.body)).toBe('{"status":"draining"}');
    expect((await send(url, { method: "GET", path: "/healthz" })).status).toBe(200);
    expect((await send(url, { method: "GET", path: "/id" })).status).toBe(200);
    await drained;
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => resolve("connected"));
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
  });
});

describe("serve(): the CORS headers on the answers it makes itself", () => {
  const web = "https://web.test";
  const allowed = { "access-control-allow-origin": [web], "access-control-expose-headers": ["x-request-id"], vary: ["Origin"] };

  /** Every byte a raw request gets back, until the server closes. */
  const rawExchange = (port: number, parts: string[], everyMs = 0) =>
    new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      let raw = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => (raw += chunk));
      socket.on("error", () => {});
      socket.once("close", () => resolve(raw));
      socket.once("connect", async () => {
        for (const part of parts) {
          if (socket.destroyed) return;
          socket.write(part);
          if (everyMs > 0) await new Promise((resolve) => setTimeout(resolve, everyMs));
        }
      });
    });
  const headerLines = (raw: string) => raw.slice(0, raw.indexOf("\r\n\r\n")).toLowerCase().split("\r\n");

  it("liveness, readiness and the OpenAPI document carry them for an allowed origin, GET and HEAD alike", async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, docs: true, cors: cors({ origin: [web] }) });
    const { url } = await served.ready;
    try {
      for (const path of ["/healthz", "/readyz", "/openapi.json"]) {
        for (const method of ["GET", "HEAD"]) {
          const answer = await send(url, { method, path, headers: { origin: web } });
          expect(answer.status, `${method} ${path}`).toBe(200);
          expect(answer.headers, `${method} ${path}`).toMatchObject(allowed);
        }
        const other = await send(url, { method: "GET", path, headers: { origin: "https://evil.test" } });
        expect(other.headers["access-control-allow-origin"], path).toBeUndefined();
        expect(other.headers.vary, path).toEqual(["Origin"]);
      }
    } finally {
      await served.drain();
    }
  });

  it("readiness answering 503 in a drain carries them too", async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, drainDelay: 300, cors: cors({ origin: [web] }) });
    const { url } = await served.ready;
    const drained = served.drain();
    const ready = await send(url, { method: "GET", path: "/readyz", headers: { origin: web } });
    expect(ready.status).toBe(503);
    expect(ready.headers).toMatchObject(allowed);
    await drained;
  });

  it("a request refused before the app (two Host fields) carries them for its Origin", async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, cors: cors({ origin: [web], credentials: true }) });
    const { port } = await served.ready;
    try {
      const raw = await rawExchange(port, [`GET /id HTTP/1.1\r\nhost: a\r\nhost: b\r\norigin: ${web}\r\n\r\n`]);
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(headerLines(raw)).toEqual(
        expect.arrayContaining([`access-control-allow-origin: ${web}`, "access-control-allow-credentials: true", "vary: origin"]),
      );
    } finally {
      await served.drain();
    }
  });

  it("a request Node's parser refuses: no Origin is read from its bytes, so it allows none but says it depends on one", async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, cors: cors({ origin: [web] }) });
    const { port } = await served.ready;
    try {
      const raw = await rawExchange(port, [`G@T /id HTTP/1.1\r\nhost: x\r\norigin: ${web}\r\n\r\n`]);
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(headerLines(raw)).toContain("vary: origin");
      expect(raw.toLowerCase()).not.toContain("access-control-allow-origin");
    } finally {
      await served.drain();
    }
  });

  it('with origin "*", even a request Node\'s parser refuses allows any origin', async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, cors: cors({ origin: "*" }) });
    const { port } = await served.ready;
    try {
      const raw = await rawExchange(port, ["G@T /id HTTP/1.1\r\nhost: x\r\n\r\n"]);
      expect(raw).toMatch(/^HTTP\/1\.1 400 /);
      expect(headerLines(raw)).toEqual(expect.arrayContaining(["access-control-allow-origin: *", "access-control-expose-headers: x-request-id"]));
      expect(headerLines(raw).some((line) => line.startsWith("vary:"))).toBe(false);
    } finally {
      await served.drain();
    }
  });

  it("a body too slow to arrive: the 408 carries them for the Origin of the request it refuses", async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, requestTimeout: 300, cors: cors({ origin: [web] }) });
    const { port } = await served.ready;
    try {
      const head = `POST /upload HTTP/1.1\r\nhost: x\r\norigin: ${web}\r\ncontent-type: application/octet-stream\r\ncontent-length: 100\r\n\r\n`;
      const raw = await rawExchange(port, [head, ...Array.from({ length: 20 }, () => "a")], 50);
      expect(raw).toMatch(/^HTTP\/1\.1 408 /);
      expect(headerLines(raw)).toEqual(expect.arrayContaining([`access-control-allow-origin: ${web}`, "vary: origin"]));
    } finally {
      await served.drain();
    }
  });
});

describe("a log sink that throws", () => {
  it("costs no request its answer: the answer goes out, and one line on stderr says the sink failed", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
    const served = serve(app, {
      port: 0,
      host: "127.0.0.1",
      signals: [],
      log: (entry) => {
        if (typeof entry.status === "number" || entry.severity === "ERROR") throw new Error("the log pipe is gone");
      },
    });
    const { url } = await served.ready;
    try {
      const response = await send(url, { method: "GET", path: "/id", headers: { "x-request-id": "sink-down" } });
      expect([response.status, new TextDecoder().decode(response.body)]).toEqual([200, "sink-down"]);
      await vi.waitFor(() => expect(stderr.mock.calls.flat()).toContain('{"severity":"ERROR","message":"the log sink failed","requestId":"sink-down"}'));
    } finally {
      stderr.mockRestore();
      await served.drain();
    }
  });
});
