/**
 * What the Lambda adapter logs by default, in process: one line of JSON on standard output per
 * record (written directly, not through console, so Lambda's log formats never wrap it), its
 * level as Lambda names it (`DEBUG`, `INFO`, `WARN`, `ERROR`), an ISO `timestamp`, the
 * `awsRequestId`, the invocation's X-Ray trace as `xray_trace_id`; the level from
 * `AWS_LAMBDA_LOG_LEVEL`, else `LOG_LEVEL`, else info. Nothing of the query, headers or body.
 * (test/lambda/ric.test.ts checks the same lines under the real runtime client.)
 */
import * as v from "valibot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { job, routes, type Context } from "jobwrap";
import { wrap, type LambdaHttpEvent } from "jobwrap/lambda";
import { albEvent, v2Event, type Json } from "./events.js";

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

/** The Lambda environment of an invocation: each variable set, or unset when undefined. */
function environment(env: { AWS_LAMBDA_LOG_LEVEL?: string; LOG_LEVEL?: string; _X_AMZN_TRACE_ID?: string }): void {
  for (const name of ["AWS_LAMBDA_LOG_LEVEL", "LOG_LEVEL", "_X_AMZN_TRACE_ID"] as const) vi.stubEnv(name, env[name]);
}

/** Runs `invoke` with standard output captured: every chunk written, and each line parsed. */
async function captured(invoke: () => Promise<unknown>): Promise<{ chunks: string[]; lines: Json[] }> {
  const chunks: string[] = [];
  const log = vi.spyOn(console, "log");
  const error = vi.spyOn(console, "error");
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true));
  try {
    await invoke();
  } finally {
    vi.mocked(process.stdout.write).mockRestore();
  }
  // Written directly: through console, Lambda's text format would prefix it and its JSON format nest it.
  expect(log).not.toHaveBeenCalled();
  expect(error).not.toHaveBeenCalled();
  for (const chunk of chunks) {
    expect(chunk.endsWith("\n")).toBe(true);
    expect(chunk.slice(0, -1)).not.toContain("\n");
  }
  return { chunks, lines: chunks.map((chunk) => JSON.parse(chunk) as Json) };
}

const say = (ctx: Context) => {
  ctx.log.debug("d", { n: 1 });
  ctx.log.info("i", { n: 2 });
  ctx.log.warn("w", { n: 3 });
  ctx.log.error("e", { n: 4 });
};

const api = routes({
  "POST /user/:name": job({ params: v.object({ name: v.string() }) }, ({ params }, ctx) => {
    say(ctx);
    return { body: { name: params.name } };
  }),
});

const request = () => v2Event({ method: "POST", path: "/user/Ann?token=query-secret", headers: { authorization: "Bearer header-secret", "content-type": "text/plain" }, body: "body-secret" });

async function logged(env: Parameters<typeof environment>[0]) {
  environment(env);
  // The levels and the trace are read from the environment: the handler is made after it is set.
  const handler = wrap(api);
  const found = await captured(() => handler(request() as LambdaHttpEvent, { awsRequestId: "log-1" }));
  return { ...found, messages: found.lines.map((line) => [line.level, line.message]) };
}

const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

describe("the Lambda adapter's log lines, on standard output", () => {
  it("each record one JSON line: Lambda's level names, an ISO timestamp, the awsRequestId, its fields; no severity or time", async () => {
    const { lines, messages } = await logged({ AWS_LAMBDA_LOG_LEVEL: "DEBUG" });
    expect(messages).toEqual([
      ["DEBUG", "d"],
      ["INFO", "i"],
      ["WARN", "w"],
      ["ERROR", "e"],
      ["INFO", "POST /user/Ann 200"],
    ]);
    lines.slice(0, 4).forEach((line, i) => expect(line).toMatchObject({ requestId: "log-1", n: i + 1 }));
    expect(lines[4]).toMatchObject({ requestId: "log-1", method: "POST", path: "/user/Ann", status: 200 });
    for (const line of lines) {
      expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
      expect(Math.abs(Date.parse(line.timestamp) - Date.now())).toBeLessThan(5_000);
      expect(Object.keys(line).slice(0, 2)).toEqual(["timestamp", "level"]);
      expect(line).not.toHaveProperty("severity");
      expect(line).not.toHaveProperty("time");
      expect(line).not.toHaveProperty("xray_trace_id");
    }
  });

  it("nothing of the query, the headers or the body", async () => {
    const { chunks } = await logged({ AWS_LAMBDA_LOG_LEVEL: "DEBUG" });
    const all = chunks.join("");
    for (const secret of ["query-secret", "header-secret", "body-secret"]) expect(all).not.toContain(secret);
  });

  it("at info by default: no DEBUG line", async () => {
    const { messages } = await logged({});
    expect(messages).toEqual([
      ["INFO", "i"],
      ["WARN", "w"],
      ["ERROR", "e"],
      ["INFO", "POST /user/Ann 200"],
    ]);
  });

  it("AWS_LAMBDA_LOG_LEVEL, the function's log level setting, wins over LOG_LEVEL", async () => {
    const { messages } = await logged({ AWS_LAMBDA_LOG_LEVEL: "WARN", LOG_LEVEL: "debug" });
    expect(messages).toEqual([
      ["WARN", "w"],
      ["ERROR", "e"],
    ]);
  });

  it("LOG_LEVEL applies without AWS_LAMBDA_LOG_LEVEL, or when it names no level", async () => {
    expect((await logged({ LOG_LEVEL: "error" })).messages).toEqual([["ERROR", "e"]]);
    expect((await logged({ AWS_LAMBDA_LOG_LEVEL: "loud", LOG_LEVEL: "error" })).messages).toEqual([["ERROR", "e"]]);
  });

  it("every line names the invocation's X-Ray trace (from _X_AMZN_TRACE_ID)", async () => {
    const { lines } = await logged({ _X_AMZN_TRACE_ID: trace });
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatchObject({ xray_trace_id: "1-5759e988-bd862e3fe1be46a994272793", requestId: "log-1" });
  });

  it("a trace header whose root is no X-Ray trace id writes no field", async () => {
    for (const header of ["Root=1-xyz;Parent=53995c3f42cd8ad8;Sampled=1", "Root=1-00000000-000000000000000000000000;Sampled=1", "Parent=53995c3f42cd8ad8", ""]) {
      const { lines } = await logged({ _X_AMZN_TRACE_ID: header });
      expect(lines).toHaveLength(4);
      for (const line of lines) expect(line).not.toHaveProperty("xray_trace_id");
    }
  });

  it("the adapter's own warning (set-cookies an ALB in single-value mode dropped): WARN, with a timestamp of its own", async () => {
    environment({});
    const handler = wrap(job({}, () => ({ headers: { "set-cookie": ["a=1", "b=2", "c=3"] }, body: "ok" })));
    const { lines } = await captured(async () => {
      await handler(albEvent({ method: "GET", path: "/" }, false) as LambdaHttpEvent, { awsRequestId: "log-2" });
      await handler(albEvent({ method: "GET", path: "/" }, false) as LambdaHttpEvent, { awsRequestId: "log-3" });
    });
    const warnings = lines.filter((line) => line.level === "WARN");
    // Said once per handler, not per request.
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain("2 more were dropped");
    expect(new Date(warnings[0].timestamp).toISOString()).toBe(warnings[0].timestamp);
    expect(Math.abs(Date.parse(warnings[0].timestamp) - Date.now())).toBeLessThan(5_000);
    expect(lines.filter((line) => line.level === "INFO").map((line) => line.requestId)).toEqual(["log-2", "log-3"]);
  });
});
