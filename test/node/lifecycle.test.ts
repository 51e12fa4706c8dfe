// The Node server's lifecycle in this process: readiness with a backend, the drain's order and
// its log lines (Served.drain(), as a signal starts it), and the signals themselves with
// process.exit stood in for. drain.test.ts runs the same drain in a real process under SIGTERM.
import { request } from "node:http";
import { connect } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import { serve, type Backend, type ServeOptions } from "jobwrap/node";
import { send } from "../support/http.js";

const body = (answer: { body: Uint8Array }) => new TextDecoder().decode(answer.body);

function app(events: string[], release?: Promise<void>) {
  return routes({
    "GET /id": job({}, (_input, ctx) => ({ body: ctx.requestId })),
    "GET /block": job({}, async () => {
      await release;
      return { body: "released" };
    }),
    "POST /later": job({}, (_input, ctx) => {
      ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 60)).then(() => events.push("work after the answer done")));
      return { status: 202 };
    }),
  });
}

async function start(options: ServeOptions, events: string[] = [], release?: Promise<void>) {
  const logs: LogEntry[] = [];
  const served = serve(app(events, release), { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry), ...options });
  const { url } = await served.ready;
  return { served, url, logs, messages: () => logs.map((entry) => entry.message) };
}

describe("readiness with a backend", () => {
  it("/readyz is 200 while the backend's ready() says true; 503 'backend unavailable' while it says false or fails; /healthz stays 200", async () => {
    let state: boolean | Error = true;
    const backend: Backend = { ready: async () => (state instanceof Error ? Promise.reject(state) : state) };
    const { served, url } = await start({ backend });
    try {
      const ready = await send(url, { method: "GET", path: "/readyz" });
      expect([ready.status, body(ready), ready.headers["cache-control"]]).toEqual([200, '{"status":"ok"}', ["no-store"]]);
      for (const down of [false, new Error("the pool is gone")]) {
        state = down;
        const answer = await send(url, { method: "GET", path: "/readyz" });
        expect([answer.status, body(answer)]).toEqual([503, '{"status":"backend unavailable"}']);
        expect(answer.headers["content-type"]).toEqual(["application/json"]);
        expect(answer.headers["content-length"]).toEqual([String(body(answer).length)]);
        const live = await send(url, { method: "GET", path: "/healthz" });
        expect([live.status, body(live)]).toEqual([200, '{"status":"ok"}']);
      }
      state = true;
      expect((await send(url, { method: "HEAD", path: "/readyz" })).status).toBe(200);
    } finally {
      await served.drain();
    }
  });

  it("a backend whose ready() does not answer within 2 s: 503 'backend unavailable' then, not before", async () => {
    const { served, url } = await start({ backend: { ready: () => new Promise<boolean>(() => {}) } });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let answered: { status: number; body: Uint8Array } | undefined;
      const pending = send(url, { method: "GET", path: "/readyz" }).then((answer) => (answered = answer));
      await vi.waitFor(() => expect(vi.getTimerCount()).toBeGreaterThan(0), { timeout: 2000, interval: 5 });
      vi.advanceTimersByTime(1990);
      await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBeUndefined();
      vi.advanceTimersByTime(10);
      await pending;
      expect([answered!.status, body(answered!)]).toEqual([503, '{"status":"backend unavailable"}']);
    } finally {
      vi.useRealTimers();
      await served.drain();
    }
  });

  it("a backend without ready(): readiness is the process's own", async () => {
    const { served, url } = await start({ backend: { close: async () => {} } });
    try {
      expect((await send(url, { method: "GET", path: "/readyz" })).status).toBe(200);
    } finally {
      await served.drain();
    }
  });

  it("other methods on the health paths go to the app (here: no route)", async () => {
    const { served, url } = await start({});
    try {
      const answer = await send(url, { method: "POST", path: "/healthz" });
      expect(answer.status).toBe(404);
      expect(answer.headers["content-type"]).toEqual(["application/problem+json"]);
    } finally {
      await served.drain();
    }
  });

  it("health paths of one's own, a query ignored", async () => {
    const { served, url } = await start({ healthPath: "/live", readyPath: "/ready" });
    try {
      expect((await send(url, { method: "GET", path: "/live?probe=1" })).status).toBe(200);
      expect((await send(url, { method: "GET", path: "/ready?probe=1" })).status).toBe(200);
      expect((await send(url, { method: "GET", path: "/healthz" })).status).toBe(404);
    } finally {
      await served.drain();
    }
  });
});

describe("drain()", () => {
  it("logs that it drains, waits for work handed to waitUntil, then closes the backend, then logs that it drained", async () => {
    const events: string[] = [];
    const backend: Backend = { close: async () => void events.push("backend closed") };
    const { served, url, logs, messages } = await start({ backend, drainTimeout: 5000 }, events);
    expect((await send(url, { method: "POST", path: "/later" })).status).toBe(202);
    await served.drain();
    expect(events).toEqual(["work after the answer done", "backend closed"]);
    expect(messages().slice(-3)).toEqual(["draining", "backend closed", "drained"]);
    expect(logs.find((entry) => entry.message === "draining")).toEqual({ severity: "INFO", message: "draining", connections: expect.any(Number), drainTimeout: 5000 });
    expect(logs.at(-1)).toEqual({ severity: "INFO", message: "drained", durationMs: expect.any(Number) });
    expect(logs.at(-1)!.durationMs).toBeGreaterThanOrEqual(0);
    expect(logs.at(-1)!.durationMs).toBeLessThan(2000);
  });

  it("runs once, however often it is called", async () => {
    const close = vi.fn(async () => {});
    const { served, messages } = await start({ backend: { close } });
    await Promise.all([served.drain(), served.drain()]);
    await served.drain();
    expect(close).toHaveBeenCalledTimes(1);
    expect(messages().filter((message) => message === "drained")).toHaveLength(1);
  });

  it("a backend whose close() fails: a WARNING with the error, and the drain still ends", async () => {
    const failure = new Error("the pool would not close");
    const { served, logs, messages } = await start({ backend: { close: () => Promise.reject(failure) } });
    await served.drain();
    expect(logs.find((entry) => entry.message === "closing the backend failed")).toMatchObject({ severity: "WARNING", error: failure });
    expect(messages().at(-1)).toBe("drained");
    expect(messages()).not.toContain("backend closed");
  });

  it("counts the open connections it waits for, and past the drain timeout warns and closes them", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { served, url, logs } = await start({ drainTimeout: 150 }, [], held);
    const port = new URL(url).port;
    const cut = new Promise<string>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/block" }, (res) => {
        res.resume();
        res.on("end", () => resolve("answered"));
      });
      req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      req.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await served.drain();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await cut).toBe("ECONNRESET");
    release();
    expect(logs.find((entry) => entry.message === "draining")).toMatchObject({ connections: 1, drainTimeout: 150 });
    expect(logs.find((entry) => entry.message.startsWith("drain timed out"))).toEqual({
      severity: "WARNING",
      message: "drain timed out; closing the remaining connections",
      open: 1,
    });
  });

  it("without a timeout passing, warns of none; connections already closed are not counted", async () => {
    const { served, url, logs, messages } = await start({});
    const closed = await new Promise<void>((resolve, reject) => {
      const req = request(`${url}/id`, { headers: { connection: "close" } }, (res) => {
        res.resume();
        res.socket.once("close", () => resolve());
      });
      req.on("error", reject);
      req.end();
    });
    expect(closed).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await served.drain();
    expect(logs.find((entry) => entry.message === "draining")).toMatchObject({ connections: 0 });
    expect(messages().some((message) => message.startsWith("drain timed out"))).toBe(false);
    expect(messages()).not.toContain("unready; still serving");
  });

  it("with a drain delay: says it is unready and still serving, for that long, before it drains; health answers then close", async () => {
    const { served, url, logs } = await start({ drainDelay: 120, docs: true });
    const connectionOf = (path: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const req = request(`${url}${path}`, (res) => {
          res.resume();
          resolve(res.headers.connection);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await connectionOf("/healthz")).toBe("keep-alive");
    const started = Date.now();
    const drained = served.drain();
    expect(await connectionOf("/healthz")).toBe("close");
    expect(await connectionOf("/readyz")).toBe("close");
    expect(await connectionOf("/openapi.json")).toBe("close");
    await drained;
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(logs.find((entry) => entry.message === "unready; still serving")).toEqual({ severity: "INFO", message: "unready; still serving", drainDelay: 120 });
  });

  it("takes its timeout and delay from JOBWRAP_DRAIN_TIMEOUT_MS and JOBWRAP_DRAIN_DELAY_MS", async () => {
    process.env.JOBWRAP_DRAIN_TIMEOUT_MS = "1234";
    process.env.JOBWRAP_DRAIN_DELAY_MS = "20";
    try {
      const { served, logs } = await start({});
      await served.drain();
      expect(logs.find((entry) => entry.message === "draining")).toMatchObject({ drainTimeout: 1234 });
      expect(logs.find((entry) => entry.message === "unready; still serving")).toMatchObject({ drainDelay: 20 });
    } finally {
      delete process.env.JOBWRAP_DRAIN_TIMEOUT_MS;
      delete process.env.JOBWRAP_DRAIN_DELAY_MS;
    }
  });

  it("takes 0 from the environment as a number like any other", async () => {
    process.env.JOBWRAP_DRAIN_TIMEOUT_MS = "0";
    try {
      const { served, logs } = await start({});
      await served.drain();
      expect(logs.find((entry) => entry.message === "draining")).toMatchObject({ drainTimeout: 0 });
    } finally {
      delete process.env.JOBWRAP_DRAIN_TIMEOUT_MS;
    }
  });

  it("defaults: a 10 s timeout, no delay; an empty variable is as none", async () => {
    process.env.JOBWRAP_DRAIN_TIMEOUT_MS = "";
    try {
      const { served, logs, messages } = await start({});
      await served.drain();
      expect(logs.find((entry) => entry.message === "draining")).toMatchObject({ drainTimeout: 10_000 });
      expect(messages()).not.toContain("unready; still serving");
    } finally {
      delete process.env.JOBWRAP_DRAIN_TIMEOUT_MS;
    }
  });

  it("refuses a negative drain delay from the environment", () => {
    process.env.JOBWRAP_DRAIN_DELAY_MS = "-1";
    try {
      expect(() => serve(app([]), { port: 0, signals: [] })).toThrow('JOBWRAP_DRAIN_DELAY_MS must be a number of 0 or more, got "-1"');
    } finally {
      delete process.env.JOBWRAP_DRAIN_DELAY_MS;
    }
  });
});

describe("signals", () => {
  afterEach(() => vi.restoreAllMocks());

  it("the first of each signal logs it, drains, then exits 0", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const { served, messages } = await start({ signals: ["SIGUSR2"] });
    process.emit("SIGUSR2");
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    expect(messages().filter((message) => ["SIGUSR2 received", "draining", "drained"].includes(message))).toEqual(["SIGUSR2 received", "draining", "drained"]);
    expect(served.server.listening).toBe(false);
  });
});

describe("starting", () => {
  it("resolves ready with the URL it serves at, and logs it with the port", async () => {
    for (const [host, shown] of [["127.0.0.1", "127.0.0.1"], ["::1", "[::1]"], ["0.0.0.0", "localhost"], ["::", "localhost"], [undefined, "localhost"]] as const) {
      const logs: LogEntry[] = [];
      const served = serve(app([]), { port: 0, host, signals: [], log: (entry) => logs.push(entry) });
      try {
        const { port, url } = await served.ready;
        expect(url, String(host)).toBe(`http://${shown}:${port}`);
        expect(logs, String(host)).toEqual([{ severity: "INFO", message: `listening on ${url}`, port }]);
      } finally {
        await served.drain();
      }
    }
  });

  it("listens on PORT when no port is passed", async () => {
    const probe = serve(app([]), { port: 0, host: "127.0.0.1", signals: [], log: false });
    const { port: free } = await probe.ready;
    await probe.drain();
    process.env.PORT = String(free);
    try {
      const served = serve(app([]), { host: "127.0.0.1", signals: [], log: false });
      expect((await served.ready).port).toBe(free);
      await served.drain();
    } finally {
      delete process.env.PORT;
    }
  });

  it("rejects ready when it cannot listen", async () => {
    const first = serve(app([]), { port: 0, host: "127.0.0.1", signals: [], log: false });
    const { port } = await first.ready;
    const second = serve(app([]), { port, host: "127.0.0.1", signals: [], log: false });
    await expect(second.ready).rejects.toMatchObject({ code: "EADDRINUSE" });
    await first.drain();
  });

  it("sets Node's timeouts from its options: keep-alive, headers (at most the request's), request, and looks for late requests every tenth of the shorter (10 ms to 30 s)", async () => {
    type Timeouts = { keepAliveTimeout: number; headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
    const cases: [ServeOptions, Timeouts][] = [
      [{}, { keepAliveTimeout: 620_000, headersTimeout: 60_000, requestTimeout: 300_000, connectionsCheckingInterval: 6_000 }],
      [{ keepAliveTimeout: 5_000, requestTimeout: 1_000 }, { keepAliveTimeout: 5_000, headersTimeout: 1_000, requestTimeout: 1_000, connectionsCheckingInterval: 100 }],
      [{ requestTimeout: 0 }, { keepAliveTimeout: 620_000, headersTimeout: 60_000, requestTimeout: 0, connectionsCheckingInterval: 6_000 }],
      [{ headersTimeout: 2_000 }, { keepAliveTimeout: 620_000, headersTimeout: 2_000, requestTimeout: 300_000, connectionsCheckingInterval: 200 }],
      // 0 is no limit: the request's alone counts, or neither, and Node's own 30 s then.
      [{ headersTimeout: 0, requestTimeout: 500 }, { keepAliveTimeout: 620_000, headersTimeout: 0, requestTimeout: 500, connectionsCheckingInterval: 50 }],
      [{ headersTimeout: 0, requestTimeout: 0 }, { keepAliveTimeout: 620_000, headersTimeout: 0, requestTimeout: 0, connectionsCheckingInterval: 30_000 }],
      [{ headersTimeout: 50 }, { keepAliveTimeout: 620_000, headersTimeout: 50, requestTimeout: 300_000, connectionsCheckingInterval: 10 }],
      [{ headersTimeout: 900_000, requestTimeout: 900_000 }, { keepAliveTimeout: 620_000, headersTimeout: 900_000, requestTimeout: 900_000, connectionsCheckingInterval: 30_000 }],
    ];
    for (const [options, expected] of cases) {
      const served = serve(app([]), { port: 0, host: "127.0.0.1", signals: [], log: false, ...options });
      // The interval is what createServer was given; Node keeps it on the server.
      const { keepAliveTimeout, headersTimeout, requestTimeout, connectionsCheckingInterval } = served.server as typeof served.server & { connectionsCheckingInterval: number };
      expect({ keepAliveTimeout, headersTimeout, requestTimeout, connectionsCheckingInterval }, JSON.stringify(options)).toEqual(expected);
      await served.ready;
      await served.drain();
    }
  });

  it("refuses a request whose headers do not all come within headersTimeout: 408 within 110 % of it", async () => {
    const { served, url } = await start({ headersTimeout: 300 });
    try {
      const { port } = new URL(url);
      const started = Date.now();
      const raw = await new Promise<string>((resolve) => {
        const socket = connect(Number(port), "127.0.0.1");
        let got = "";
        socket.setEncoding("latin1");
        socket.on("data", (chunk: string) => (got += chunk));
        socket.on("error", () => {});
        socket.on("close", () => resolve(got));
        socket.write("GET /id HTTP/1.1\r\nhost: x\r\n");
      });
      const elapsed = Date.now() - started;
      expect(raw).toMatch(/^HTTP\/1\.1 408 /);
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1500);
    } finally {
      await served.drain();
    }
  });

  it("answers the docs to HEAD too", async () => {
    const served = serve(app([]), { port: 0, host: "127.0.0.1", signals: [], log: false, docs: true });
    const { url } = await served.ready;
    try {
      const head = await send(url, { method: "HEAD", path: "/openapi.json" });
      expect([head.status, head.body.length]).toEqual([200, 0]);
    } finally {
      await served.drain();
    }
  });

  it("refuses a route table that claims the docs' paths, naming the options that move them", () => {
    const clash = routes({ "GET /openapi.json": job({}, () => ({})) });
    expect(() => serve(clash, { port: 0, signals: [], docs: true })).toThrow("a route answers /openapi.json, which serve() keeps for the API docs: pass docs.path/docs.specPath");
    expect(() => serve(routes({ "GET /readyz": job({}, () => ({})) }), { port: 0, signals: [] })).toThrow(
      "a route answers /readyz, which serve() keeps for health checks: pass healthPath/readyPath",
    );
  });

  it("serves one job on every other path, the health checks still its own", async () => {
    const served = serve(job({}, () => ({ body: "the one job" })), { port: 0, host: "127.0.0.1", signals: [], log: false });
    const { url } = await served.ready;
    try {
      expect(body(await send(url, { method: "GET", path: "/anything" }))).toBe("the one job");
      expect(body(await send(url, { method: "GET", path: "/healthz" }))).toBe('{"status":"ok"}');
    } finally {
      await served.drain();
    }
  });

  it("answers the docs on GET and HEAD only: other methods go to the app", async () => {
    const served = serve(app([]), { port: 0, host: "127.0.0.1", signals: [], log: false, docs: true });
    const { url } = await served.ready;
    try {
      expect((await send(url, { method: "GET", path: "/openapi.json" })).status).toBe(200);
      expect((await send(url, { method: "POST", path: "/openapi.json" })).status).toBe(404);
    } finally {
      await served.drain();
    }
  });
});
