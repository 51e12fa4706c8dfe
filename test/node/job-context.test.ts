// What the Node server gives a job besides its input: a deadline (the `timeout` option, else
// 28 s), logging at the level LOG_LEVEL names, and ctx.waitUntil, which under wrap() (a server
// jobwrap does not own, with no drain to wait for it) still lets the work run.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import { serve, wrap, type ServeOptions } from "jobwrap/node";
import { send } from "../support/http.js";

const done: string[] = [];
const app = routes({
  "GET /deadline": job({}, (_input, ctx) => ({ body: { left: ctx.deadline! - Date.now() } })),
  "GET /hello": job({}, (_input, ctx) => {
    ctx.log.info("hello from the job");
    ctx.log.warn("a warning from the job");
    return { body: "hi" };
  }),
  "GET /later": job({}, (_input, ctx) => {
    ctx.waitUntil(Promise.resolve().then(() => void done.push(ctx.requestId)));
    return { body: "answered" };
  }),
});

const text = (body: Uint8Array) => new TextDecoder().decode(body);

/** GET `path` from serve(app, options), on a server of its own. */
async function fromServe(path: string, options: ServeOptions = {}, headers: Record<string, string> = {}) {
  const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, ...options });
  try {
    return await send((await served.ready).url, { method: "GET", path, headers });
  } finally {
    await served.drain();
  }
}

afterEach(() => {
  delete process.env["LOG_LEVEL"];
});

describe("a job's deadline on the Node server", () => {
  it("is the timeout option's", async () => {
    const { left } = JSON.parse(text((await fromServe("/deadline", { timeout: 5000 })).body)) as { left: number };
    expect(left).toBeGreaterThan(4000);
    expect(left).toBeLessThanOrEqual(5000);
  });

  it("is 28 s without one", async () => {
    const { left } = JSON.parse(text((await fromServe("/deadline")).body)) as { left: number };
    expect(left).toBeGreaterThan(27_000);
    expect(left).toBeLessThanOrEqual(28_000);
  });
});

describe("the Node server's log level", () => {
  it("is the one LOG_LEVEL names", async () => {
    process.env["LOG_LEVEL"] = "warn";
    const logs: LogEntry[] = [];
    const answer = await fromServe("/hello", { log: (entry) => logs.push(entry) }, { "x-request-id": "leveled" });
    expect(text(answer.body)).toBe("hi");
    expect(logs.filter((entry) => entry.requestId === "leveled").map((entry) => [entry.severity, entry.message])).toEqual([["WARNING", "a warning from the job"]]);
  });

  it("is info without LOG_LEVEL", async () => {
    const logs: LogEntry[] = [];
    await fromServe("/hello", { log: (entry) => logs.push(entry) }, { "x-request-id": "info" });
    expect(logs.filter((entry) => entry.requestId === "info").map((entry) => entry.severity)).toEqual(["INFO", "WARNING", "INFO"]);
  });
});

describe("ctx.waitUntil under wrap()", () => {
  it("answers, and the work runs", async () => {
    const server: Server = createServer(wrap(app, { log: false }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const answer = await send(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { method: "GET", path: "/later", headers: { "x-request-id": "wrapped-later" } });
      expect([answer.status, text(answer.body)]).toEqual([200, "answered"]);
      await expect.poll(() => done).toContain("wrapped-later");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
