// jobwrap/hono called through Hono's own fetch in this process: what the job sees of the runtime
// (a Worker's bindings and ExecutionContext, @hono/node-server's socket), the path below each kind
// of mount point, and raw(ctx). interop.test.ts and workerd.test.ts serve test/hono/app.ts.
import type { AddressInfo } from "node:net";
import { serve as honoServe, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import { handler, mount, raw } from "jobwrap/hono";
import { send } from "../support/http.js";

const seen = routes({
  "GET /": job({}, () => ({ body: { route: "/" } })),
  "GET /where/:name": job({}, (_input, ctx) => ({ body: { route: "/where/:name", platform: ctx.platform } })),
  "GET /env": job({}, (_input, ctx) => ({ body: { env: ctx.env === process.env ? "process.env" : ctx.env } })),
  "GET /ip": job({}, (_input, ctx) => ({ body: { ip: ctx.clientIp ?? null } })),
  "GET /ip/proxied": job({}, (_input, ctx) => ({ body: { ip: ctx.clientIp ?? null } }), { trustedProxies: 1 }),
  "POST /later": job({}, (_input, ctx) => {
    ctx.waitUntil(Promise.resolve("done later"));
    return { status: 202 };
  }),
});

const json = async (answer: Response | Promise<Response>) => (await answer).json() as Promise<Record<string, unknown>>;

describe("jobwrap/hono in process", () => {
  it("serves the table below each kind of mount point: a prefix, parameters in it, the root, and the bare prefix", async () => {
    const app = new Hono();
    app.route("/api", mount(seen, { log: false }));
    app.all("/t/:tenant/*", handler(seen, { log: false }));
    const root = new Hono().all("*", handler(seen, { log: false }));
    const slashRoot = new Hono().all("/*", handler(seen, { log: false }));
    expect(await json(app.request("/api/where/Ann"))).toEqual({ route: "/where/:name", platform: "hono" });
    expect(await json(app.request("/t/acme/where/Ann"))).toEqual({ route: "/where/:name", platform: "hono" });
    expect(await json(root.request("/where/Ann"))).toEqual({ route: "/where/:name", platform: "hono" });
    expect(await json(slashRoot.request("/where/Ann"))).toEqual({ route: "/where/:name", platform: "hono" });
    // The mount point itself is the table's root.
    expect(await json(app.request("/api"))).toEqual({ route: "/" });
    expect(await json(app.request("/api/"))).toEqual({ route: "/" });
    expect(await json(app.request("/t/acme"))).toEqual({ route: "/" });
    const lost = await app.request("/api/nowhere");
    expect([lost.status, ((await lost.json()) as { detail: string }).detail]).toEqual([404, "No route for GET /nowhere"]);
  });

  it("ctx.env: a Worker's bindings as Hono got them, else process.env", async () => {
    const app = mount(seen, { log: false });
    expect(await json(app.request("/env", {}, { GREETING: "hello" }))).toEqual({ env: { GREETING: "hello" } });
    // A binding that happens to be named like @hono/node-server's own is still a binding.
    expect(await json(app.request("/env", {}, { incoming: "a queue" }))).toEqual({ env: { incoming: "a queue" } });
    expect(await json(app.request("/env"))).toEqual({ env: "process.env" });
    expect(await json(app.request("/env", {}, null))).toEqual({ env: null });
  });

  it("logs at the level LOG_LEVEL names in the process's environment", async () => {
    const lines: LogEntry[] = [];
    process.env["LOG_LEVEL"] = "warn";
    try {
      const app = mount(routes({ "GET /say": job({}, (_input, ctx) => (ctx.log.info("an info line"), ctx.log.warn("a warning line"), {})) }), { log: (entry) => lines.push(entry) });
      await app.request("/say");
    } finally {
      delete process.env["LOG_LEVEL"];
    }
    expect(lines.map((entry) => [entry.severity, entry.message])).toEqual([["WARNING", "a warning line"]]);
  });

  it("ctx.clientIp: none where the runtime tells none (neither Node's socket nor Cloudflare's edge)", async () => {
    const app = mount(seen, { log: false });
    expect(await json(app.request("/ip", { headers: { "cf-connecting-ip": "203.0.113.9", "x-forwarded-for": "198.51.100.7" } }, { GREETING: "hi" }))).toEqual({ ip: null });
    expect(await json(app.request("/ip"))).toEqual({ ip: null });
  });

  it("ctx.waitUntil hands the promise to the runtime's ExecutionContext, where there is one", async () => {
    const waited: Promise<unknown>[] = [];
    const executionCtx = { waitUntil: (promise: Promise<unknown>) => void waited.push(promise), passThroughOnException: () => {}, props: {} };
    const answer = await mount(seen, { log: false }).request("/later", { method: "POST" }, {}, executionCtx);
    expect(answer.status).toBe(202);
    expect(waited).toHaveLength(1);
    expect(await waited[0]).toBe("done later");
    // Without one (Node), the job's work still runs and the answer still comes.
    expect((await mount(seen, { log: false }).request("/later", { method: "POST" })).status).toBe(202);
  });

  it("raw(ctx) is the Hono context there, undefined on another platform", async () => {
    let context: unknown;
    const app = new Hono();
    app.use("*", async (c, next) => {
      c.set("who" as never, "middleware" as never);
      await next();
    });
    app.route("/", mount(routes({ "GET /raw": job({}, (_input, ctx) => ((context = raw(ctx)?.context.get("who" as never)), {})) }), { log: false }));
    await app.request("/raw");
    expect(context).toBe("middleware");
    expect(raw({ platform: "workers", raw: { context: {} } })).toBeUndefined();
  });

  it("on @hono/node-server: the socket's address, and behind a trusted proxy the address it forwarded", async () => {
    const server: ServerType = await new Promise((resolve) => {
      const started = honoServe({ fetch: mount(seen, { log: false }).fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(started));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ip = async (path: string) => JSON.parse(new TextDecoder().decode((await send(base, { method: "GET", path, headers: { "x-forwarded-for": "198.51.100.7" } })).body)) as unknown;
      expect(await ip("/ip")).toEqual({ ip: "127.0.0.1" });
      expect(await ip("/ip/proxied")).toEqual({ ip: "198.51.100.7" });
      expect(await ip("/env")).toEqual({ env: "process.env" });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
