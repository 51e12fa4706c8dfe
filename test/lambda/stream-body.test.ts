/**
 * A stream body that goes wrong after its first chunk, through `wrap` (jobwrap/lambda), which
 * sends the body whole: nothing has gone out yet, so the client gets a problem (504 at the
 * deadline, 500 for a failure), and the invocation returns before Lambda's own timeout.
 */
import { describe, expect, it } from "vitest";
import type { LogEntry } from "jobwrap";
import { wrap, type LambdaHttpEvent } from "jobwrap/lambda";
import { secretMessage } from "../contract/app.js";
import { linesOf, streamApp, type StreamProbe } from "../support/stream-jobs.js";
import { v2Event, type Json } from "./events.js";

describe("a stream body after its first chunk (jobwrap/lambda)", () => {
  const probe: StreamProbe = {};
  const logs: LogEntry[] = [];
  const handler = wrap(streamApp(probe), { log: (entry) => logs.push(entry) });
  const invoke = (path: string, awsRequestId: string, remaining: number) =>
    handler(v2Event({ method: "GET", path }) as LambdaHttpEvent, { awsRequestId, getRemainingTimeInMillis: () => remaining }) as Promise<Json>;

  it("answers 504 at the job's deadline, well before Lambda's, with the source cancelled", async () => {
    const began = Date.now();
    const result = await invoke("/stream-stalls", "stalls-1", 60_000);
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(result.statusCode).toBe(504);
    expect(result.headers).toMatchObject({ "content-type": "application/problem+json", "x-request-id": "stalls-1" });
    expect(JSON.parse(result.body)).toMatchObject({ status: 504, requestId: "stalls-1" });
    expect(probe.cancelled).toMatchObject({ status: 504 });
    expect(probe.signalAborted).toBe(true);
    expect(linesOf(logs, "stalls-1")).toEqual([
      { severity: "INFO", message: "GET /stream-stalls 200" },
      { severity: "WARNING", message: "the response stream was cut at its deadline" },
    ]);
  });

  it("answers 504 at the invocation's own deadline when it comes before the job's", async () => {
    const began = Date.now();
    // 40 ms left: a quarter kept back, so the answer comes after about 30 ms, well before the
    // job's own 150 ms (the margin is wide so a loaded machine cannot blur the two).
    const result = await invoke("/stream-stalls", "stalls-2", 40);
    const took = Date.now() - began;
    expect(result.statusCode).toBe(504);
    expect(took).toBeGreaterThanOrEqual(25);
    expect(took).toBeLessThan(150);
  });

  it("answers 500 for a stream that fails, logged at ERROR with the request id, nothing of it sent", async () => {
    const result = await invoke("/stream-breaks", "breaks-1", 60_000);
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toMatchObject({ status: 500, title: "Internal Server Error", requestId: "breaks-1" });
    expect(result.body).not.toContain(secretMessage);
    expect(linesOf(logs, "breaks-1")).toEqual([
      { severity: "INFO", message: "GET /stream-breaks 200" },
      { severity: "ERROR", message: "the job's stream body failed" },
    ]);
  });
});
