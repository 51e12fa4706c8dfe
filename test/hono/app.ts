/**
 * An existing Hono app that moves to jobwrap route by route: its own route stays, its middleware
 * runs in front of the jobs, and a route table is mounted twice, by `app.route` and by `app.all`.
 * Served on Node by interop.test.ts and in workerd by worker.ts.
 */
import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { job, routes } from "jobwrap";
import { handler, mount, raw } from "jobwrap/hono";
import { userCreate, userGet } from "../../examples/users/index.js";

const apiKey = createMiddleware<{ Variables: { caller: string } }>(async (c, next) => {
  if (c.req.header("x-api-key") !== "let-me-in") return c.json({ error: "an API key is required" }, 401);
  c.set("caller", "tester");
  await next();
  c.header("x-hono-middleware", "ran");
});

export const api = routes({
  "POST /user": userCreate,
  "GET /user/:name": userGet,
  "GET /whoami": job({}, (_input, ctx) => ({
    body: { caller: (raw(ctx)?.context.get("caller") as string | undefined) ?? null, platform: ctx.platform, ip: ctx.clientIp ?? null },
  })),
});

export const app = new Hono();
app.get("/legacy", (c) => c.text("still Hono"));
app.use("/api/*", apiKey);
app.route("/api", mount(api));
app.all("/v2/*", handler(api));
