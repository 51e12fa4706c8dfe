/**
 * The request listener that runs the app on the Node server: what `wrap` returns, and what
 * `serve` hands every request that is not a health check, the docs or refused early.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { freshId } from "../core/fresh-id.js";
import { handle, prepare, type AppOptions, type Prepared } from "../core/handle.js";
import type { App } from "../core/routes.js";
import type { Outgoing } from "../core/types.js";
import { googleSink, onGoogle, traceFieldsFor } from "./google-trace.js";
import { compressAnswer, type Compression, type CompressOptions } from "./node-compress.js";
import type { Lifecycle } from "./node-drain.js";
import { incomingOf, NodeHttpPlatform, readLimited, respond } from "./node-http.js";
import { openTelemetry } from "./otel.js";

export interface NodeOptions extends AppOptions {
  /**
   * Milliseconds a job may take before it answers 504 and its `ctx.signal` aborts, unless the job
   * sets its own. Default 28 s: the answer then comes before the routers in front give up on it
   * (Heroku's after 30 s, with a bare 503).
   */
  timeout?: number;
  /**
   * Write log lines as Cloud Logging reads them on App Engine and Cloud Run: an `httpRequest` on
   * each request's line, and every line of a request linked to its trace (`traceparent` or
   * `X-Cloud-Trace-Context`) in `projectId`. Default: on when `K_SERVICE` or `GAE_SERVICE` says
   * the server runs there.
   */
  google?: boolean | { projectId?: string };
  /**
   * Compresses answers (gzip or brotli, by `Accept-Encoding`) of a compressible media type over
   * `threshold` bytes (default 1024). Default: on in `serve()`, off in `wrap()`.
   */
  compress?: boolean | CompressOptions;
}

export const defaultNodeTimeout = 28_000;

/** The app made ready on the Node server: its options, with the default deadline, logging as its host reads it. */
export function prepareNode(app: App, options: NodeOptions): Prepared {
  const sink = googleOf(options) ? googleSink : undefined;
  return prepare(app, { ...options, timeout: options.timeout ?? defaultNodeTimeout }, {
    sink,
    levels: [process.env["LOG_LEVEL"]],
    tracer: openTelemetry("node"),
    freshId,
  });
}

function googleOf(options: NodeOptions): { projectId?: string } | undefined {
  const google = options.google ?? onGoogle(process.env);
  return google === false ? undefined : google === true ? {} : google;
}

export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Runs the app on each request; `life` is the server's, absent on a server jobwrap does not own. */
export function listener(prepared: Prepared, options: NodeOptions, life: Lifecycle | undefined, compression?: Compression): Listener {
  const env = process.env;
  const google = googleOf(options);
  const traceFields = google && traceFieldsFor(google.projectId, env);
  const waitUntil = (promise: Promise<unknown>) => {
    if (!life) return;
    life.pending.add(promise);
    void promise.finally(() => life.pending.delete(promise));
  };
  const closing = () => life?.unready === true;
  const finish = compression && ((out: Outgoing, req: IncomingMessage) => compressAnswer(out, req.headers["accept-encoding"], compression, req.method === "HEAD"));
  return (req, res) => {
    const incoming = incomingOf(req, (limit) => readBody(req, res, limit));
    // On Google the trace names the request, as on Cloud Functions; elsewhere nothing is read for it.
    const trace = traceFields ? traceFields(req.headers) : undefined;
    const platform = new NodeHttpPlatform("node", env, res, waitUntil, trace?.traceId, undefined, trace?.fields);
    respond(res, handle(prepared, incoming, platform), closing, prepared, prepared.bodyLimit, finish);
  };
}

/** Requests whose client waits for `100 Continue` before it sends the body. */
const awaitingContinue = new WeakSet<IncomingMessage>();

/** Marks a request whose client waits for `100 Continue` (serve's `checkContinue`): it gets one when its body is read. */
export function continueOnRead(req: IncomingMessage): void {
  awaitingContinue.add(req);
}

/**
 * Reads the body. A client waiting for `100 Continue` gets it only now: core asks for the body
 * once the route, the extractors, the media type and the declared length against the job's own
 * limit have passed, so any refusal before (404, 401, 413…) is answered without a 100 and
 * without the body ever being sent.
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Uint8Array> {
  if (awaitingContinue.delete(req)) res.writeContinue();
  return readLimited(req, limit);
}
