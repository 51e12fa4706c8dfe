// The users service with the `routes` part's table in front of its two routes, per framework.
// The filler routes answer a short text; none of them is requested while timing.
import { Hono } from "hono";
import { job, routes, type RouteTable } from "jobwrap";
import { userCreate, userGet } from "../../examples/users/index.js";
import { fastifyApp } from "../peers/fastify-app.js";
import { app as honoUsers } from "../peers/hono-app.js";
import { fillerRoutes, routeCount } from "./table.js";

/** jobwrap: the users routes as `jobwrap-bare` has them (no CORS, uploads, shared extractors). */
export function jobwrapApp() {
  const filler = job({}, () => ({ body: "filler" }));
  const table: RouteTable = {};
  for (const { method, path } of fillerRoutes(routeCount())) table[`${method} ${path}`] = filler;
  return routes({ ...table, "POST /user": userCreate, "GET /user/:name": userGet });
}

/** Hono (its default router, SmartRouter), the filler registered before the users app. */
export function honoApp() {
  const app = new Hono();
  for (const { method, path } of fillerRoutes(routeCount())) app.on(method, path, (c) => c.text("filler"));
  return app.route("/", honoUsers);
}

/** Fastify (find-my-way), the filler added to the users app. */
export function fastifyWithTable() {
  const app = fastifyApp();
  for (const { method, path } of fillerRoutes(routeCount())) app.route({ method, url: path, handler: async () => "filler" });
  return app;
}
