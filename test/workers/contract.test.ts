import { Agent } from "node:http";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runContract } from "../contract/run.js";
import { send } from "../support/http.js";
import { bundle } from "./bundle.js";
import { rawRequest } from "./raw.js";

describe("contract in workerd (jobwrap/workers)", () => {
  let mf: Miniflare;
  let base: string;
  let stdout = "";
  let stderr = "";

  beforeAll(async () => {
    const [contract, platform] = await Promise.all([
      bundle("test/workers/contract-worker.ts"),
      bundle("test/workers/platform-worker.ts"),
    ]);
    mf = new Miniflare({
      workers: [
        { name: "contract", modules: true, script: contract, compatibilityDate: "2026-04-26", kvNamespaces: ["USERS"] },
        { name: "platform", modules: true, script: platform, compatibilityDate: "2026-04-26", kvNamespaces: { USERS: "later" } },
      ],
      handleRuntimeStdio(out, err) {
        out.on("data", (data: Buffer) => (stdout += data.toString()));
        err.on("data", (data: Buffer) => (stderr += data.toString()));
      },
    });
    base = (await mf.ready).href;
  });
  afterAll(() => mf.dispose());

  // workerd closes a connection whose request body the worker left unread (a 413 or 415
  // refused early) without announcing it, so a kept-alive socket could be reused as it closes.
  const agent = new Agent({ keepAlive: false });
  runContract({ platform: "workers" }, () => (request) => send(base, request, agent));

  it("keeps the contract's users in the bound KV namespace, not in memory", async () => {
    const kv = await mf.getKVNamespace("USERS");
    expect(await kv.get("user:Alice")).toBe('{"name":"Alice"}');
  });

  it("takes the request id from cf-ray, and the job sees it on ctx", async () => {
    const response = await send(
      base,
      { method: "GET", path: "/context", headers: { "cf-ray": "8f1e2d3c4b5a6978-LHR", "x-request-id": "ignored" } },
      agent,
    );
    expect(response.headers["x-request-id"]).toEqual(["8f1e2d3c4b5a6978-LHR"]);
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({
      platform: "workers",
      requestId: "8f1e2d3c4b5a6978-LHR",
      hasSignal: true,
    });
  });

  it("joins repeated Cookie lines with `; `, as the job expects one Cookie header", async () => {
    const head = "GET /echo/headers HTTP/1.1\r\nX-Api-Key: long-enough\r\nCookie: a=1\r\nCookie: b=2\r\nConnection: close";
    const { status, text } = await rawRequest(base, head, []);
    expect(status).toBe(200);
    expect(text).toContain('{"key":"long-enough","cookie":"a=1; b=2"}');
  });

  it("refuses a chunked body with no content-length as soon as it passes the limit, before it ends", async () => {
    const head = "POST /small HTTP/1.1\r\nContent-Type: application/json";
    const { status, text } = await rawRequest(base, head, [`{"pad":"${"x".repeat(100)}`], true);
    expect(status).toBe(413);
    expect(text).toContain("The body is larger than the limit of 64 bytes");
  });

  it("reads a chunked body under the limit whole", async () => {
    const head = "POST /echo/json HTTP/1.1\r\nContent-Type: application/json\r\nConnection: close";
    const { status, text } = await rawRequest(base, head, ['{"a":', '"b",', '"n":1}']);
    expect(status).toBe(200);
    expect(text).toContain('{"a":"b","n":1}');
  });

  it("hands ctx.waitUntil to the platform: work after the response completes", async () => {
    const worker = await mf.getWorker("platform");
    const response = await worker.fetch("http://localhost/later", { method: "POST", headers: { "x-request-id": "later-1" } });
    expect(response.status).toBe(202);
    const kv = await mf.getKVNamespace("USERS", "platform");
    await vi.waitFor(async () => expect(await kv.get("later")).toBe("later-1"));
  });

  it("raw(ctx) is the Worker's own request (with cf), bindings and ExecutionContext", async () => {
    const worker = await mf.getWorker("platform");
    const response = await worker.fetch("http://localhost/raw?x=1");
    expect(await response.json()).toEqual({ cf: "string", url: "http://localhost/raw?x=1", waitUntil: "function", bindings: true });
  });

  it("answers as if the log sink were up when it throws, and says on stderr that it failed", async () => {
    const worker = await mf.getWorker("platform");
    const response = await worker.fetch("http://localhost/broken-log", { headers: { "x-request-id": "sink-down" } });
    expect([response.status, await response.text()]).toEqual([200, "ok"]);
    // The runtime's output reaches the pipe after the response: wait for the line.
    await vi.waitFor(() => expect(stderr).toContain('{"severity":"ERROR","message":"the log sink failed","requestId":"sink-down"}'));
  });

  it("logs one JSON line per record through the console method of its level, with no secrets", () => {
    const entriesOf = (text: string) =>
      text
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    // workerd writes console.info to standard output, console.warn and console.error to standard error.
    const info = entriesOf(stdout);
    const raised = entriesOf(stderr);
    const access = [...info, ...raised].filter((entry) => typeof entry.status === "number");
    expect(access.length).toBeGreaterThan(20);
    for (const entry of access) expect(entry).toMatchObject({ platform: "workers", method: expect.any(String), requestId: expect.any(String) });
    expect(info.map((entry) => entry.severity)).not.toContain("ERROR");
    expect(raised.find((entry) => entry.message === "job failed")).toMatchObject({ severity: "ERROR" });
    expect(raised.find((entry) => entry.message === "GET /boom 500")).toMatchObject({ severity: "ERROR" });
    expect(stdout + stderr).not.toContain("t0k3n");
  });
});
