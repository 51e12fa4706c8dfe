import { describe, expect, it } from "vitest";
import { handle, job, prepare, type LogEntry } from "../../src/index.js";

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
