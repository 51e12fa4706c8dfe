/**
 * `jobwrap/hono`: a route table inside an existing Hono app, so a team that runs one moves route
 * by route, and Hono middleware runs in front of the jobs. Jobs keep their validation, problems
 * and typing: the request goes through core's one pipeline as on Workers, its `Request` the input.
 *
 * ```ts
 * app.use("/api/*", honoMiddleware);
 * app.route("/api", mount(api));          // or: app.all("/api/*", handler(api))
 * ```
 */
import { Hono, type Context as HonoContext, type Handler } from "hono";
import { routePath } from "hono/route";
import { addCors, handle, prepare, type AppOptions } from "../core/handle.js";
import { lastResort, requestIdIn } from "../core/problems.js";
import type { App } from "../core/routes.js";
import type { Context, Outgoing, Peer } from "../core/types.js";
import { incomingOf, peerOf, responseOf, workersSink } from "./workers.js";

export type HonoOptions = AppOptions;

/** What a job reaches of Hono through `raw(ctx)`: the Hono context, with what middleware set on it (`context.get(…)`). */
export interface HonoRaw {
  context: HonoContext;
}

/** The Hono context behind a job's request, for what middleware left there; undefined on another platform. */
export function raw(ctx: Pick<Context, "platform" | "raw">): HonoRaw | undefined {
  return ctx.platform === "hono" ? (ctx.raw as HonoRaw) : undefined;
}

/** How many path segments the route this handler is mounted on matched before its `*`: `/api/*` one, `/t/:tenant/*` two. */
function mountDepth(pattern: string): number {
  // The slashes before the pattern's closing `*`: `*` and `/*` count none.
  return pattern.replace(/\/?\*$/, "").split("/").length - 1;
}

/** The path below the mount point, still percent-encoded: `/api/user/Ann` under `/api/*` is `/user/Ann`. */
function below(path: string, depth: number): string {
  let at = 0;
  for (let i = 0; i < depth; i++) {
    at = path.indexOf("/", at + 1);
    if (at < 0) return "/";
  }
  return path.slice(at);
}

/** On @hono/node-server, `c.env` holds Node's request and response. */
interface NodeBindings {
  incoming: { socket: { remoteAddress?: string | undefined } };
}

function isNodeBindings(env: unknown): env is NodeBindings {
  return typeof env === "object" && env !== null && "incoming" in env && "outgoing" in env;
}

const onWorkers = typeof navigator !== "undefined" && navigator.userAgent === "Cloudflare-Workers";

/** The client's address where the runtime tells it: the socket on Node, Cloudflare's header on Workers, and nowhere else. */
function peerIn(c: HonoContext, headers: Readonly<Record<string, string | undefined>>): Peer | undefined {
  if (isNodeBindings(c.env)) {
    const address = c.env.incoming.socket.remoteAddress;
    return address === undefined ? undefined : { address, forwardedFor: headers["x-forwarded-for"] };
  }
  return onWorkers ? peerOf(headers) : undefined;
}

function waitUntilOf(c: HonoContext): ((promise: Promise<unknown>) => void) | undefined {
  try {
    const execution = c.executionCtx;
    return (promise) => execution.waitUntil(promise);
  } catch {
    // Hono throws when the runtime gave it no ExecutionContext (Node).
    return undefined;
  }
}

/**
 * A Hono handler that answers with the route table, its routes under the path it is mounted on:
 * `app.all("/api/*", handler(api))` serves `GET /user/:name` at `/api/user/Ann`.
 */
export function handler(app: App, options: HonoOptions = {}): Handler {
  const prepared = prepare(app, options, { sink: onWorkers ? workersSink : undefined, levels: [globalThis.process?.env?.["LOG_LEVEL"]] });
  return async (c) => {
    const env = isNodeBindings(c.env) || c.env === undefined ? globalThis.process?.env : c.env;
    let out: Outgoing | undefined;
    try {
      const incoming = incomingOf(c.req.raw);
      incoming.path = below(incoming.path, mountDepth(routePath(c)));
      out = await handle(prepared, incoming, {
        name: "hono",
        env,
        raw: { context: c } satisfies HonoRaw,
        peer: () => peerIn(c, incoming.headers),
        waitUntil: waitUntilOf(c),
        signal: c.req.raw.signal,
        ownTimers: onWorkers,
      });
      return responseOf(out);
    } catch (error) {
      const fault = lastResort(error, prepared.sink, requestIdIn(out));
      addCors(prepared, fault.headers, c.req.raw.headers.get("origin") ?? undefined, env);
      return responseOf(fault);
    }
  };
}

/** The route table as a Hono app to mount: `app.route("/api", mount(api))`. */
export function mount(app: App, options: HonoOptions = {}): Hono {
  return new Hono().all("*", handler(app, options));
}
