import { describe, expect, it, vi } from "vitest";
import { backendUnavailable, handle, HttpError, job, prepare, routes, type LogEntry } from "../../src/index.js";

describe("the default log", () => {
  it("still answers when a logged value cannot be written as JSON (a thrown circular object)", async () => {
    const circular: Record<string, unknown> = { reason: "cycle" };
    circular.self = circular;
    const failing = job({}, () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw circular;
    });
    const out = await handle(prepare(failing), { method: "GET", path: "/", query: "", headers: {} }, { name: "test", env: {} });
    expect(out.status).toBe(500);
  });

  it("writes what a 503 of backendUnavailable hides from its body: the driver's message and code, with the request id", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" });
    const failing = job({}, () => {
      throw backendUnavailable(refused);
    });
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      const out = await handle(prepare(failing), { method: "GET", path: "/", query: "", headers: { "x-request-id": "db-1" } }, { name: "test", env: {} });
      expect(out.status).toBe(503);
      expect(out.headers).toContainEqual(["retry-after", "1"]);
      expect(String(out.body)).not.toContain("ECONNREFUSED");
    } finally {
      spy.mockRestore();
    }
    const line = lines.map((text) => JSON.parse(text) as Record<string, any>).find((entry) => entry.message === "job answered a server error");
    expect(line).toMatchObject({ requestId: "db-1", error: { cause: { message: "connect ECONNREFUSED 10.0.0.5:5432", code: "ECONNREFUSED" } } });
  });
});

describe("the log level", () => {
  const noisy = job({}, (_input, ctx) => {
    ctx.log.debug("looked it up");
    ctx.log.warn("the cache was cold");
    return { body: "ok" };
  });
  const request = { method: "GET", path: "/", query: "", headers: {} };
  const run = async (options: Parameters<typeof prepare>[1], platform?: Parameters<typeof prepare>[2]) => {
    const lines: LogEntry[] = [];
    await handle(prepare(noisy, { ...options, log: (entry) => lines.push(entry) }, platform), request, { name: "test", env: {} });
    return lines.map((line) => `${line.severity} ${line.message}`);
  };

  it("logs info and above by default", async () => {
    expect(await run({})).toEqual(["WARNING the cache was cold", "INFO GET / 200"]);
  });

  it("logLevel sets the least level written, whatever sink takes the lines", async () => {
    expect(await run({ logLevel: "debug" })).toEqual(["DEBUG looked it up", "WARNING the cache was cold", "INFO GET / 200"]);
    expect(await run({ logLevel: "warn" })).toEqual(["WARNING the cache was cold"]);
    expect(await run({ logLevel: "error" })).toEqual([]);
  });

  it("without logLevel, the platform's settings in order, as the environment spells them", async () => {
    expect(await run({}, { levels: [undefined, "WARN"] })).toEqual(["WARNING the cache was cold"]);
    expect(await run({}, { levels: ["TRACE", "error"] })).toHaveLength(3);
    expect(await run({}, { levels: ["loud", "FATAL"] })).toEqual([]);
    expect(await run({ logLevel: "info" }, { levels: ["ERROR"] })).toHaveLength(2);
  });
});

describe("the level names the environment may use", () => {
  const noisy = job({}, (_input, ctx) => {
    ctx.log.debug("d");
    ctx.log.info("i");
    ctx.log.warn("w");
    ctx.log.error("e");
    return { body: "ok" };
  });
  const severities = async (level: string, next: string) => {
    const lines: LogEntry[] = [];
    // A name not understood gives way to the next setting, `next`.
    await handle(prepare(noisy, { log: (entry) => lines.push(entry) }, { levels: [level, next] }), { method: "GET", path: "/", query: "", headers: {} }, { name: "test", env: {} });
    return lines.filter((line) => line.message.length === 1).map((line) => line.severity);
  };

  it.each([
    ["trace", ["DEBUG", "INFO", "WARNING", "ERROR"]],
    ["Debug", ["DEBUG", "INFO", "WARNING", "ERROR"]],
    [" INFO ", ["INFO", "WARNING", "ERROR"]],
    ["warn", ["WARNING", "ERROR"]],
    ["Warning", ["WARNING", "ERROR"]],
    ["error", ["ERROR"]],
    ["fatal", ["ERROR"]],
    ["CRITICAL", ["ERROR"]],
    ["verbose", ["ERROR"]],
    ["", ["ERROR"]],
  ])("%j", async (level, expected) => {
    // The next setting is one the name would not give, so a name not understood shows.
    const next = expected.length === 1 && level !== "verbose" && level !== "" ? "debug" : "error";
    expect(await severities(level, next)).toEqual(expected);
  });
});

describe("a sink of the app's that throws", () => {
  it("costs no answer: one line of its own on stderr, with the request id, instead", async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
    try {
      const app = prepare(
        job({}, (_input, ctx) => {
          ctx.log.info("working");
          return { body: "ok" };
        }),
        {
          log: () => {
            throw new Error("disk full");
          },
        },
      );
      const out = await handle(app, { method: "GET", path: "/", query: "", headers: { "x-request-id": "sink-1" } }, { name: "test", env: {} });
      expect([out.status, out.body]).toEqual([200, "ok"]);
    } finally {
      spy.mockRestore();
    }
    // The job's line and the request's line each failed.
    expect(errors.map((line) => JSON.parse(line) as unknown)).toEqual([
      { severity: "ERROR", message: "the log sink failed", requestId: "sink-1" },
      { severity: "ERROR", message: "the log sink failed", requestId: "sink-1" },
    ]);
  });
});

describe("a logger's fields", () => {
  it("a job's extra fields cannot replace the line's severity, message or time", async () => {
    const lines: LogEntry[] = [];
    const app = prepare(
      job({}, (_input, ctx) => {
        ctx.log.warn("real", { severity: "DEBUG", message: "forged", time: "then", n: 1 });
        return { body: "ok" };
      }),
      { log: (entry) => lines.push(entry) },
    );
    await handle(app, { method: "GET", path: "/", query: "", headers: { "x-request-id": "f-1" } }, { name: "test", env: {}, logFields: { trace: "t-1" } });
    expect(lines[0]).toMatchObject({ severity: "WARNING", message: "real", n: 1, requestId: "f-1", trace: "t-1" });
    expect(lines[0]!.time).not.toBe("then");
    expect(lines[1]).toMatchObject({ message: "GET / 200", trace: "t-1", requestId: "f-1", platform: "test" });
  });
});

describe("the request line", () => {
  it("method, path, status, its duration in ms, the request id and the platform; ERROR from 500, INFO below", async () => {
    const lines: LogEntry[] = [];
    const app = prepare(
      routes({
        "GET /slow": job({}, async () => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          return { body: "ok" };
        }),
        "GET /gone": job({}, () => {
          throw new HttpError(410, "gone");
        }),
        "GET /down": job({}, () => {
          throw new HttpError(500, "down");
        }),
      }),
      { log: (entry) => lines.push(entry) },
    );
    const platform = { name: "unit", env: {} };
    const before = Date.now();
    await handle(app, { method: "GET", path: "/slow", query: "q=1", headers: { "x-request-id": "d-1" } }, platform);
    const took = Date.now() - before;
    const slow = lines.find((line) => line.message === "GET /slow 200")!;
    expect(slow).toEqual({ severity: "INFO", message: "GET /slow 200", method: "GET", path: "/slow", status: 200, durationMs: slow.durationMs, requestId: "d-1", platform: "unit" });
    expect(slow.durationMs).toBeGreaterThanOrEqual(25);
    expect(slow.durationMs).toBeLessThanOrEqual(took);
    await handle(app, { method: "GET", path: "/gone", query: "", headers: {} }, platform);
    expect(lines.find((line) => line.message === "GET /gone 410")!.severity).toBe("INFO");
    await handle(app, { method: "GET", path: "/down", query: "", headers: {} }, platform);
    expect(lines.find((line) => line.message === "GET /down 500")!.severity).toBe("ERROR");
  });
});
