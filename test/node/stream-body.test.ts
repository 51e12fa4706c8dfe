// A stream body that goes wrong after its status went out, over real HTTP: the connection is cut
// (the client sees a truncated body, never a second answer), the source is cancelled, and the
// request's log lines say why.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LogEntry } from "jobwrap";
import { serve, type Served } from "jobwrap/node";
import { secretMessage } from "../contract/app.js";
import { linesOf, streamApp, type StreamProbe } from "../support/stream-jobs.js";

/** Status, what arrived of the body, and how the response ended. */
function fetchRaw(base: string, path: string, requestId: string): Promise<{ status: number; body: string; ended: "complete" | "cut" }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    request(url, { headers: { "x-request-id": requestId } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body, ended: "complete" }));
      res.on("aborted", () => resolve({ status: res.statusCode!, body, ended: "cut" }));
      res.on("error", () => resolve({ status: res.statusCode!, body, ended: "cut" }));
    })
      .on("error", reject)
      .end();
  });
}

describe("a stream body after its first chunk (jobwrap/node)", () => {
  const probe: StreamProbe = {};
  const logs: LogEntry[] = [];
  let served: Served;
  let base: string;

  beforeAll(async () => {
    served = serve(streamApp(probe), { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry) });
    base = (await served.ready).url;
  });
  afterAll(() => served.drain());

  it("is cut at the deadline: the source cancelled with ctx.signal aborted, a WARNING line with the request id", async () => {
    const began = Date.now();
    const answer = await fetchRaw(base, "/stream-stalls", "stalls-1");
    expect(answer).toEqual({ status: 200, body: "first ", ended: "cut" });
    expect(Date.now() - began).toBeLessThan(2_000);
    await vi.waitFor(() => expect(probe.cancelled).toMatchObject({ status: 504 }));
    expect(probe.signalAborted).toBe(true);
    expect(linesOf(logs, "stalls-1")).toEqual([
      { severity: "INFO", message: "GET /stream-stalls 200" },
      { severity: "WARNING", message: "the response stream was cut at its deadline" },
    ]);
  });

  it("that fails is cut, and its failure logged at ERROR with the request id, never sent", async () => {
    const answer = await fetchRaw(base, "/stream-breaks", "breaks-1");
    expect(answer).toEqual({ status: 200, body: "first ", ended: "cut" });
    await vi.waitFor(() => expect(linesOf(logs, "breaks-1")).toHaveLength(2));
    expect(linesOf(logs, "breaks-1")[1]).toEqual({ severity: "ERROR", message: "the job's stream body failed" });
    expect(JSON.stringify(answer)).not.toContain(secretMessage);
  });

  it("keeps serving: the next request on a new connection is answered", async () => {
    expect((await fetchRaw(base, "/nowhere", "after-1")).status).toBe(404);
  });
});
