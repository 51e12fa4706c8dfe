import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type Served } from "jobwrap/node";
import { contractApp } from "../contract/app.js";
import { runContract } from "../contract/run.js";
import type { LogEntry } from "jobwrap";
import { send } from "../support/http.js";

describe("contract over real HTTP (jobwrap/node)", () => {
  let served: Served;
  let base: string;
  const logs: LogEntry[] = [];

  beforeAll(async () => {
    served = serve(contractApp, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry) });
    base = (await served.ready).url;
  });
  afterAll(() => served.drain());

  runContract({ platform: "node" }, () => (request) => send(base, request));

  it("writes the content-length of the body it sends, not the one a job set", async () => {
    const response = await send(base, { method: "GET", path: "/framing", headers: { "x-request-id": "contract-900" } });
    expect(response.headers["content-length"]).toEqual(["2"]);
    expect(new TextDecoder().decode(response.body)).toBe("ok");
  });

  it("logs one line per request with method, path, status, duration and request id, and no secrets", () => {
    const access = logs.filter((entry) => typeof entry.status === "number");
    expect(access.length).toBeGreaterThan(20);
    for (const entry of access) {
      expect(entry).toMatchObject({ severity: expect.any(String), method: expect.any(String), path: expect.any(String) });
      expect(entry.durationMs).toBeTypeOf("number");
      expect(entry.requestId).toMatch(/^contract-\d+$/);
    }
    const boom = logs.find((entry) => entry.message === "job failed");
    expect(boom).toMatchObject({ severity: "ERROR", requestId: expect.stringMatching(/^contract-/) });
    const text = JSON.stringify(logs);
    expect(text).not.toContain("t0k3n");
    expect(text).not.toContain("long-enough");
  });
});
