/**
 * `jobwrap/node`: the app on Node's own HTTP server. `serve` runs the server (Heroku, App
 * Engine, Kubernetes); `wrap` gives a listener for a `node:http` server you already run.
 */
import type { App } from "../core/routes.js";
import type { Context } from "../core/types.js";
import { compressionOf } from "./node-compress.js";
import { rawOn, type NodeRaw } from "./node-http.js";
import { listener, prepareNode, type Listener, type NodeOptions } from "./node-listener.js";

export type { NodeRaw } from "./node-http.js";

export { defaultNodeTimeout, type Listener, type NodeOptions } from "./node-listener.js";
export { serve, type Backend, type ServeOptions, type Served } from "./node-serve.js";
export type { CompressOptions } from "./node-compress.js";

/** A `(req, res)` listener for an existing `node:http` server. */
export function wrap(app: App, options: NodeOptions = {}): Listener {
  return listener(prepareNode(app, options), options, undefined, compressionOf(options.compress, false));
}

/** Node's request and response behind a job's request, for what jobwrap does not map; undefined on another platform. */
export function raw(ctx: Pick<Context, "platform" | "raw">): NodeRaw | undefined {
  return rawOn("node", ctx);
}
