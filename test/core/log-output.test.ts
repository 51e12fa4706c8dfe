/**
 * What the default log sink writes: one JSON line per log call on standard output (console.log,
 * never console.error), with the severity each logger method names, the request id, an Error
 * as its name, message and stack (its code and cause when it has them), a bigint as its
 * decimal string, and, for a value JSON cannot write (a cycle), a line that still carries the
 * severity, message and request id. Nothing of the query, the headers or the body.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
import { consoleSink, job, type Context } from "../../src/index.js";
import { wrap } from "jobwrap/lambda";
import { responseOf, v2Event } from "../lambda/events.js";
import { serve } from "./harness.js";

let out: MockInstance<typeof console.log>;
let err: MockInstance<typeof console.error>;
beforeEach(() => {
  out = vi.spyOn(console, "log").mockImplementation(() => {});
  err = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(() => {
  out.mockRestore();
  err.mockRestore();
});

/** Every line written to stdout, each parsed as the one JSON document it must be. */
function written(): Record<string, unknown>[] {
  expect(err).not.toHaveBeenCalled();
  return out.mock.calls.map((args) => {
    expect(args).toHaveLength(1);
    expect(typeof args[0]).toBe("string");
    expect(args[0]).not.toContain("\n");
    return JSON.parse(args[0] as string) as Record<string, unknown>;
  });
}

/** Serves a job that logs with `say`, on the default sink, and answers with its request id. */
async function logged(say: (ctx: Context) => void) {
  const app = serve(
    job({}, (_input, ctx) => {
      say(ctx);
      return { body: "ok" };
    }),
    // Every level written, debug included (the default threshold, info, is specified with the levels).
    { log: consoleSink, logLevel: "debug" },
  );
  const answer = await app.send({ path: "/p", query: "secret=query-secret", headers: { authorization: "Bearer header-secret" }, body: "body-secret" });
  return { answer, lines: written(), raw: out.mock.calls.map((args) => String(args[0])).join("\n") };
}

describe("the default sink: one JSON line on stdout per log call", () => {
  for (const [method, severity] of [
    ["debug", "DEBUG"],
    ["info", "INFO"],
    ["warn", "WARNING"],
    ["error", "ERROR"],
  ] as const) {
    it(`ctx.log.${method} → severity ${severity}, the message, the request id, an ISO time`, async () => {
      const { answer, lines } = await logged((ctx) => ctx.log[method]("hello", { n: 1 }));
      const line = lines.find((entry) => entry.message === "hello")!;
      expect(line).toMatchObject({ severity, message: "hello", n: 1, requestId: answer.header("x-request-id") });
      expect(new Date(line.time as string).toISOString()).toBe(line.time);
    });
  }

  it("the request line follows: method, path, status, never the query, headers or body", async () => {
    const { answer, lines, raw } = await logged(() => {});
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ severity: "INFO", message: "GET /p 200", method: "GET", path: "/p", status: 200, requestId: answer.header("x-request-id") });
    for (const secret of ["query-secret", "header-secret", "body-secret"]) expect(raw).not.toContain(secret);
  });

  it("an Error: its name, message and stack", async () => {
    const error = new RangeError("out of range");
    const { lines } = await logged((ctx) => ctx.log.error("failed", { error }));
    expect(lines[0]!.error).toEqual({ name: "RangeError", message: "out of range", stack: error.stack });
  });

  it("an Error with a driver's code and a cause: both written, the cause as an Error too", async () => {
    const cause = new Error("socket closed");
    const error = Object.assign(new Error("query failed", { cause }), { code: "ECONNRESET" });
    const { lines } = await logged((ctx) => ctx.log.error("failed", { error }));
    expect(lines[0]!.error).toEqual({
      name: "Error",
      message: "query failed",
      code: "ECONNRESET",
      stack: error.stack,
      cause: { name: "Error", message: "socket closed", stack: cause.stack },
    });
  });

  it("an Error's code is written when it is a string or a number (an errno), not otherwise", async () => {
    const numbered = Object.assign(new Error("refused"), { code: -111 });
    const odd = Object.assign(new Error("odd"), { code: { nested: true } });
    const { lines } = await logged((ctx) => ctx.log.error("failed", { numbered, odd }));
    expect(lines[0]!.numbered).toEqual({ name: "Error", message: "refused", code: -111, stack: numbered.stack });
    expect(lines[0]!.odd).toEqual({ name: "Error", message: "odd", stack: odd.stack });
  });

  it("a value that is not an Error is written as it is", async () => {
    const { lines } = await logged((ctx) => ctx.log.info("plain", { detail: { name: "x", message: "y" }, list: [1, "two"] }));
    expect(lines[0]).toMatchObject({ detail: { name: "x", message: "y" }, list: [1, "two"] });
  });

  it("a bigint: its decimal string", async () => {
    const { lines } = await logged((ctx) => ctx.log.info("counted", { rows: 12345678901234567890n }));
    expect(lines[0]!.rows).toBe("12345678901234567890");
  });

  it("a value JSON cannot write (a cycle): the line still goes out with severity, message, request id and logError, and the request is answered", async () => {
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const { answer, lines } = await logged((ctx) => ctx.log.warn("odd value", { cyclic }));
    expect(answer.status).toBe(200);
    expect(lines[0]).toEqual({
      severity: "WARNING",
      message: "odd value",
      requestId: answer.header("x-request-id"),
      logError: "some fields could not be written as JSON",
    });
    expect(lines[1]!.message).toBe("GET /p 200");
  });
});

describe("Lambda's log format: the same fallback keeps its timestamp and level", () => {
  it("a value JSON cannot write: the line keeps timestamp, level, message and request id", async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const chunks: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    });
    let status: number;
    try {
      const handler = wrap(
        job({}, (_input, ctx) => {
          ctx.log.warn("odd value", { cyclic });
          return { body: "ok" };
        }),
      );
      status = responseOf(await handler(v2Event({ method: "GET", path: "/" }), { awsRequestId: "lambda-log-1" })).status;
    } finally {
      write.mockRestore();
    }
    expect(status).toBe(200);
    const lines = chunks.join("").split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, unknown>);
    const odd = lines.find((line) => line.message === "odd value")!;
    expect(Object.keys(odd).sort()).toEqual(["level", "logError", "message", "requestId", "timestamp"]);
    expect(odd).toMatchObject({ level: "WARN", message: "odd value", requestId: "lambda-log-1", logError: "some fields could not be written as JSON" });
    expect(new Date(odd.timestamp as string).toISOString()).toBe(odd.timestamp);
  });
});
