// What a function's host reads of it: the lines it writes on standard output as Cloud Logging
// files them (an httpRequest on the request's line, the level from LOG_LEVEL), the connection
// kept between requests, and a body read by someone else before jobwrap.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as v from "valibot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import { wrap } from "jobwrap/cloud-functions";
import { send } from "../support/http.js";
import { serveFunction } from "./serve.js";

const app = routes({
  "GET /hello": job({}, (_input, ctx) => {
    ctx.log.info("hello from the job");
    ctx.log.warn("a warning from the job");
    return { body: "hi" };
  }),
  "POST /echo": job({ body: v.string() }, ({ body }) => ({ body }), { accept: "text" }),
  "POST /small": job({ body: v.string() }, ({ body }) => ({ body }), { accept: "text", bodyLimit: 8 }),
});

let named = 0;

/** Standard output's lines while `work` runs, each parsed as Cloud Logging parses it. */
async function stdoutOf(work: () => Promise<void>): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(JSON.parse(String(line)) as Record<string, unknown>));
  try {
    await work();
  } finally {
    log.mockRestore();
  }
  return lines;
}

describe("a function's log lines on standard output", () => {
  afterEach(() => delete process.env["LOG_LEVEL"]);

  it("the request's line carries an httpRequest (method, path without its query, status, latency); the job's own lines do not", async () => {
    const lines = await stdoutOf(async () => {
      const fn = await serveFunction(`platform-${++named}`, app);
      try {
        await send(fn.base, { method: "GET", path: "/hello?secret=1", headers: { "x-request-id": "gcf-1" } });
      } finally {
        await fn.close();
      }
    });
    const mine = lines.filter((line) => line.requestId === "gcf-1");
    expect(mine.map((line) => [line.severity, line.message])).toEqual([
      ["INFO", "hello from the job"],
      ["WARNING", "a warning from the job"],
      ["INFO", "GET /hello 200"],
    ]);
    expect(mine[0]).not.toHaveProperty("httpRequest");
    expect(mine[2]!.httpRequest).toEqual({ requestMethod: "GET", requestUrl: "/hello", status: 200, latency: expect.stringMatching(/^\d+\.\d{3}s$/) });
    expect(Number((mine[2]!.httpRequest as { latency: string }).latency.slice(0, -1))).toBeCloseTo((mine[2]!.durationMs as number) / 1000, 3);
    expect(JSON.stringify(lines)).not.toContain("secret");
  });

  it("logs at the level LOG_LEVEL names", async () => {
    process.env["LOG_LEVEL"] = "warn";
    const lines = await stdoutOf(async () => {
      const fn = await serveFunction(`platform-${++named}`, app);
      try {
        await send(fn.base, { method: "GET", path: "/hello", headers: { "x-request-id": "gcf-2" } });
      } finally {
        await fn.close();
      }
    });
    expect(lines.filter((line) => line.requestId === "gcf-2").map((line) => line.message)).toEqual(["a warning from the job"]);
  });
});

describe("a function's connection", () => {
  it("is kept between requests: no answer says connection: close", async () => {
    const fn = await serveFunction(`platform-${++named}`, app, { log: false });
    try {
      const connection = await new Promise<string | undefined>((resolve, reject) => {
        const req = request(`${fn.base}/hello`, (res) => {
          res.resume();
          resolve(res.headers.connection);
        });
        req.on("error", reject);
        req.end();
      });
      expect(connection).toBe("keep-alive");
    } finally {
      await fn.close();
    }
  });

  it("is closed after a 413: a client that sent a body too large may send more such", async () => {
    const fn = await serveFunction(`platform-${++named}`, app, { log: false });
    try {
      const [status, connection] = await new Promise<[number | undefined, string | undefined]>((resolve, reject) => {
        const req = request(`${fn.base}/small`, { method: "POST", headers: { "content-type": "text/plain" } }, (res) => {
          res.resume();
          resolve([res.statusCode, res.headers.connection]);
        });
        req.on("error", reject);
        req.end("more than eight bytes");
      });
      expect([status, connection]).toEqual([413, "close"]);
    } finally {
      await fn.close();
    }
  });
});

describe("a body read before jobwrap and not kept", () => {
  it("answers the last resort's 500 and logs why, rather than waiting for a body that will never come", async () => {
    const logs: LogEntry[] = [];
    const fn = wrap(app, { log: (entry) => logs.push(entry) });
    // An app's own body parser in front, that reads the stream and keeps no rawBody.
    const server: Server = createServer((req, res) => {
      req.on("end", () => fn(req, res));
      req.resume();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const answer = await send(base, { method: "POST", path: "/echo", headers: { "content-type": "text/plain", "x-request-id": "read-before" }, body: "hello" });
      expect(answer.status).toBe(500);
      const failure = logs.find((entry) => entry.requestId === "read-before" && entry.severity === "ERROR");
      expect(String((failure?.error as Error | undefined)?.message)).toBe("the request body was read before jobwrap and not kept as req.rawBody");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
