import { describe, expect, it, vi } from "vitest";
import { backendUnavailable, handle, job, prepare, type LogEntry } from "../../src/index.js";

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
