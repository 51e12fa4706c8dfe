/**
 * Google's trace context becomes the request id and the Cloud Logging fields on every log
 * line of the request; the function's timeout becomes the job's deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import type { CloudFunctionsOptions } from "jobwrap/cloud-functions";
import { projectIdFromEnv, traceLogFields, traceOf } from "../../src/adapters/google-trace.js";
import { send } from "../support/http.js";
import { serveFunction, type ServedFunction } from "./serve.js";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("traceOf", () => {
  it("reads traceparent: trace, span and the sampled flag", () => {
    expect(traceOf({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` })).toEqual({ traceId, spanId: "00f067aa0ba902b7", sampled: true });
    expect(traceOf({ traceparent: `00-${traceId}-00f067aa0ba902b7-00` })?.sampled).toBe(false);
  });

  it("reads X-Cloud-Trace-Context, its decimal span as 16 hex digits", () => {
    expect(traceOf({ "x-cloud-trace-context": `${traceId.toUpperCase()}/18446744073709551615;o=1` })).toEqual({
      traceId,
      spanId: "ffffffffffffffff",
      sampled: true,
    });
    expect(traceOf({ "x-cloud-trace-context": `${traceId}/1` })).toEqual({ traceId, spanId: "0000000000000001", sampled: false });
    expect(traceOf({ "x-cloud-trace-context": traceId })).toEqual({ traceId, spanId: undefined, sampled: false });
  });

  it("prefers traceparent when both are sent", () => {
    const other = "0af7651916cd43dd8448eb211c80319c";
    expect(traceOf({ traceparent: `00-${traceId}-00f067aa0ba902b7-01`, "x-cloud-trace-context": `${other}/1;o=1` })?.traceId).toBe(traceId);
  });

  it("ignores what is not a trace: malformed, all-zero ids, version ff, a span past 64 bits", () => {
    for (const headers of [
      { traceparent: "00-xyz-00f067aa0ba902b7-01" },
      { traceparent: `00-${"0".repeat(32)}-00f067aa0ba902b7-01` },
      { traceparent: `00-${traceId}-${"0".repeat(16)}-01` },
      { traceparent: `ff-${traceId}-00f067aa0ba902b7-01` },
      { "x-cloud-trace-context": "not-a-trace/1;o=1" },
      { "x-cloud-trace-context": `${"0".repeat(32)}/1` },
      { "x-cloud-trace-context": `${traceId}/1;o=1"}, "severity": "ERROR` },
      {},
    ]) {
      expect(traceOf(headers), JSON.stringify(headers)).toBeUndefined();
    }
    expect(traceOf({ "x-cloud-trace-context": `${traceId}/18446744073709551616` })?.spanId).toBeUndefined();
  });
});

describe("traceLogFields and projectIdFromEnv", () => {
  const trace = { traceId, spanId: "00f067aa0ba902b7", sampled: true };

  it("names the trace in its project, as Cloud Logging links it", () => {
    expect(traceLogFields(trace, "my-project")).toEqual({
      "logging.googleapis.com/trace": `projects/my-project/traces/${traceId}`,
      "logging.googleapis.com/spanId": "00f067aa0ba902b7",
      "logging.googleapis.com/trace_sampled": true,
    });
  });

  it("leaves the trace field out when the project is unknown", () => {
    expect(traceLogFields(trace, undefined)).toEqual({
      "logging.googleapis.com/spanId": "00f067aa0ba902b7",
      "logging.googleapis.com/trace_sampled": true,
    });
  });

  it("takes GOOGLE_CLOUD_PROJECT, else GCLOUD_PROJECT", () => {
    expect(projectIdFromEnv({ GOOGLE_CLOUD_PROJECT: "a-project", GCLOUD_PROJECT: "b-project" })).toBe("a-project");
    expect(projectIdFromEnv({ GCLOUD_PROJECT: "b-project" })).toBe("b-project");
    expect(projectIdFromEnv({ GOOGLE_CLOUD_PROJECT: "" })).toBeUndefined();
  });

  it("trims the project's id, and takes one of blanks as none", () => {
    expect(projectIdFromEnv({ GOOGLE_CLOUD_PROJECT: " a-project\n" })).toBe("a-project");
    expect(projectIdFromEnv({ GOOGLE_CLOUD_PROJECT: "  ", GCLOUD_PROJECT: " b-project " })).toBe("b-project");
    expect(projectIdFromEnv({ GCLOUD_PROJECT: " " })).toBeUndefined();
  });

  it("writes no span field at all for a trace that names no span", () => {
    expect(traceLogFields({ traceId, spanId: undefined, sampled: false }, "my-project")).toStrictEqual({
      "logging.googleapis.com/trace": `projects/my-project/traces/${traceId}`,
      "logging.googleapis.com/trace_sampled": false,
    });
  });
});

const app = routes({
  "GET /hello": job({}, (_input, ctx) => {
    ctx.log.info("hello from the job");
    return { body: { requestId: ctx.requestId, platform: ctx.platform, deadline: ctx.deadline ?? null } };
  }),
  "GET /wait": job({}, (_input, ctx) => new Promise<never>((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)))),
});

let served = 0;

/** Registers `app` under a fresh name with `options` and serves it through the framework. */
async function serveWith(options: CloudFunctionsOptions): Promise<ServedFunction & { logs: LogEntry[] }> {
  const logs: LogEntry[] = [];
  const fn = await serveFunction(`trace-${++served}`, app, { ...options, log: (entry) => logs.push(entry) });
  servers.push(fn);
  return { ...fn, logs };
}

const servers: ServedFunction[] = [];

const decode = (body: Uint8Array) => JSON.parse(new TextDecoder().decode(body)) as Record<string, unknown>;

describe("on the functions-framework", () => {
  let withProject: Awaited<ReturnType<typeof serveWith>>;

  beforeAll(async () => (withProject = await serveWith({ projectId: "my-project" })));
  afterAll(() => Promise.all(servers.map((fn) => fn.close())));

  it("files every line of the request under the X-Cloud-Trace-Context trace, and answers with its id", async () => {
    const { base, logs } = withProject;
    const response = await send(base, { method: "GET", path: "/hello", headers: { "x-cloud-trace-context": `${traceId}/123;o=1` } });
    expect(response.headers["x-request-id"]).toEqual([traceId]);
    expect(decode(response.body)).toMatchObject({ requestId: traceId, platform: "cloud-functions" });
    const lines = logs.filter((entry) => entry.requestId === traceId);
    expect(lines.map((entry) => entry.message)).toEqual(["hello from the job", "GET /hello 200"]);
    for (const line of lines) {
      expect(line).toMatchObject({
        "logging.googleapis.com/trace": `projects/my-project/traces/${traceId}`,
        "logging.googleapis.com/spanId": "000000000000007b",
        "logging.googleapis.com/trace_sampled": true,
      });
    }
  });

  it("without a trace: the caller's x-request-id, and no trace fields", async () => {
    const { base, logs } = withProject;
    const response = await send(base, { method: "GET", path: "/hello", headers: { "x-request-id": "mine-1" } });
    expect(response.headers["x-request-id"]).toEqual(["mine-1"]);
    const line = logs.find((entry) => entry.requestId === "mine-1" && entry.status === 200);
    expect(line).toBeDefined();
    expect(Object.keys(line!).filter((key) => key.startsWith("logging.googleapis.com/"))).toEqual([]);
  });

  it("answers 504 shortly before the function's timeout", async () => {
    const { base } = await serveWith({ functionTimeout: 300 });
    const response = await send(base, { method: "GET", path: "/wait" });
    expect(response.status).toBe(504);
    const problem = decode(response.body) as { title: string; detail: string };
    expect(problem.title).toBe("Gateway Timeout");
    // 300 ms less the 10% kept back, counted from when the request is handled (a busy machine takes a few ms first).
    const ms = Number(/^The job did not answer within its deadline of (\d+) ms$/.exec(problem.detail)?.[1]);
    expect(ms).toBeGreaterThan(200);
    expect(ms).toBeLessThanOrEqual(270);
  });

  /** The deadline the job saw, and the window of clock readings it must fall in (`margin` before the timeout). */
  async function deadlineWith(options: CloudFunctionsOptions, margin: number) {
    const { base } = await serveWith(options);
    const before = Date.now();
    const response = await send(base, { method: "GET", path: "/hello" });
    const after = Date.now();
    const { deadline } = decode(response.body) as { deadline: number };
    expect(deadline).toBeGreaterThanOrEqual(before + margin);
    expect(deadline).toBeLessThanOrEqual(after + margin);
  }

  it("gives the job a deadline one second before a 60 s timeout by default", () => deadlineWith({}, 59_000));

  it("takes the timeout from CLOUD_RUN_TIMEOUT_SECONDS, as the framework does", async () => {
    process.env["CLOUD_RUN_TIMEOUT_SECONDS"] = "5";
    try {
      await deadlineWith({}, 4_500);
    } finally {
      delete process.env["CLOUD_RUN_TIMEOUT_SECONDS"];
    }
  });

  it("keeps the 60 s default for a CLOUD_RUN_TIMEOUT_SECONDS that is not a positive number", async () => {
    for (const value of ["0", "-5", "Infinity", "five"]) {
      process.env["CLOUD_RUN_TIMEOUT_SECONDS"] = value;
      try {
        await deadlineWith({}, 59_000);
      } finally {
        delete process.env["CLOUD_RUN_TIMEOUT_SECONDS"];
      }
    }
  });
});
