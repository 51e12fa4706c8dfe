/**
 * The one pipeline, in the order a request meets it: the path checked and routed, the job's
 * parts read and validated (extract.ts), the job run against its deadline (call.ts), and its
 * result or failure made the answer (result.ts, problems.ts), with one log line.
 */
import { Call } from "./call.js";
import { isPreflight, type Cors } from "./cors.js";
import { extractAndRun, planJob, type Plan } from "./extract.js";
import type { AnyJob } from "./job.js";
import { atLevel, consoleSink, guardedSink, levelOf, silentSink, type LogLevel } from "./log.js";
import { checkPath } from "./parts.js";
import { faultToOutgoing, noRoute, problemToOutgoing, wrongMethod } from "./problems.js";
import { requestIdOf } from "./request-id.js";
import { byteLength, isStream, resultToOutgoing } from "./result.js";
import { matcher, type App, type Matcher } from "./routes.js";
import type { Incoming, LogSink, Outgoing, Platform, RequestTracer } from "./types.js";

export interface AppOptions {
  /** Largest request body in bytes, unless a job sets its own. Default 1 MiB. */
  bodyLimit?: number;
  /** Milliseconds a job may run before it answers 504, unless a job sets its own. */
  timeout?: number;
  /** Where log lines go: one JSON line per record in the form the platform reads by default; `false` for none. */
  log?: LogSink | false;
  /**
   * The least level logged: `debug`, `info`, `warn` or `error`. Default: the platform's setting
   * (`AWS_LAMBDA_LOG_LEVEL` on Lambda), else `LOG_LEVEL`, else `info`.
   */
  logLevel?: LogLevel;
  /**
   * How many proxies of yours stand in front of the platform (a load balancer, Heroku's router,
   * an ingress, a CDN), each appending the address it saw to `X-Forwarded-For`: `ctx.clientIp` is
   * the address the furthest of them saw. Default 0: the header is anyone's to write and is ignored.
   */
  trustedProxies?: number;
  /** CORS for every route, `cors({ origin })`; overrides the route table's own. */
  cors?: Cors | undefined;
}

export const defaultBodyLimit = 1024 * 1024;

/** An app made ready to answer: routes compiled once, options settled, each job's plan made on its first request. */
export interface Prepared {
  match: Matcher;
  /** The app's body limit, for adapters that refuse a body before any job is known. */
  bodyLimit: number;
  /** The app's timeout, for the OpenAPI document's 504. */
  timeout: number | undefined;
  sink: LogSink;
  /** Starts each request's span, where the platform has a tracer. */
  tracer: RequestTracer | undefined;
  /** Makes the id of a request that brings none; undefined: `crypto.randomUUID`. */
  freshId: (() => string) | undefined;
  cors: Cors | undefined;
  plan(job: AnyJob): Plan;
}

/** What an adapter knows better than core: how its platform reads log lines, the level its environment asks for, its tracer. */
export interface PlatformDefaults {
  sink?: LogSink | undefined;
  /** Settings naming a level, first found wins (`AWS_LAMBDA_LOG_LEVEL`, `LOG_LEVEL`). */
  levels?: readonly (string | undefined)[];
  tracer?: RequestTracer | undefined;
  /** A cheaper maker of fresh request ids than the platform's `crypto.randomUUID` (on Node: `fresh-id.ts`). */
  freshId?: (() => string) | undefined;
}

export function prepare(app: App, options: AppOptions = {}, platform: PlatformDefaults = {}): Prepared {
  const defaults = { bodyLimit: options.bodyLimit ?? defaultBodyLimit, timeout: options.timeout, trustedProxies: options.trustedProxies ?? 0 };
  const plans = new WeakMap<AnyJob, Plan>();
  return {
    match: matcher(app),
    ...defaults,
    sink: sinkOf(options, platform),
    tracer: platform.tracer,
    freshId: platform.freshId,
    cors: options.cors ?? (app.kind === "routes" ? app.options.cors : undefined),
    plan: (job) => {
      let plan = plans.get(job);
      if (!plan) plans.set(job, (plan = planJob(job, defaults)));
      return plan;
    },
  };
}

function sinkOf(options: AppOptions, platform: PlatformDefaults): LogSink {
  if (options.log === false) return silentSink;
  const level = options.logLevel ?? (platform.levels ?? []).map(levelOf).find((found) => found !== undefined) ?? "info";
  return atLevel(guardedSink(options.log ?? platform.sink ?? consoleSink), level);
}

/** The one pipeline: match, extract and validate, run, and map the outcome to a response. */
export async function handle(app: Prepared, incoming: Incoming, platform: Platform): Promise<Outgoing> {
  const started = Date.now();
  const requestId = requestIdOf(incoming.headers, platform.requestId, app.freshId);
  const call = new Call(app.sink, platform, requestId, started);
  const span = app.tracer?.(incoming, requestId);
  let route: string | undefined;
  let out: Outgoing;
  let streaming = false;
  try {
    // A preflight is the browser's, not the app's: answered before routing, whatever the path.
    if (app.cors && isPreflight(incoming)) out = { status: 204, headers: app.cors.preflight(incoming, platform.env), body: null };
    else {
      checkPath(incoming.path);
      const found = app.match(incoming.method, incoming.path);
      if (found.kind === "no-route") throw noRoute(incoming.method, incoming.path);
      if (found.kind === "wrong-method") throw wrongMethod(incoming.method, found.allow);
      const plan = app.plan(found.job);
      route = found.route;
      call.trustedProxies = plan.trustedProxies;
      call.arm(plan.timeout);
      // The deadline bounds the reading of the request too: an extractor's lookup or a slow
      // upload that outlives it answers 504 like a slow job, rather than holding the request.
      const work = span
        ? span.within(() => extractAndRun(plan, found.params, incoming, call))
        : extractAndRun(plan, found.params, incoming, call);
      out = resultToOutgoing(await call.race(work));
    }
    if (isStream(out.body) && incoming.method !== "HEAD") {
      out.body = await call.streamBody(out.body);
      // The deadline now bounds the rest of the stream; the stream disarms it when it ends.
      streaming = isStream(out.body);
    }
  } catch (error) {
    out = answerFailure(call, error);
  } finally {
    if (!streaming) call.disarm();
  }
  // Every answer, problems included: a browser shows its script none it is not allowed to read.
  addCors(app, out.headers, incoming.headers.origin, platform.env);
  if (incoming.method === "HEAD" && out.body !== null) {
    const length = byteLength(out.body);
    if (typeof out.body === "object" && "cancel" in out.body) void out.body.cancel();
    out.body = null;
    if (length !== undefined) out.headers.push(["content-length", String(length)]);
  }
  out.headers.push(["x-request-id", requestId]);
  span?.end(out.status, route);
  // With the log off, the line is not even built: it is a good part of a small request's cost.
  if (app.sink !== silentSink) {
    app.sink({
      ...platform.logFields,
      severity: out.status >= 500 ? "ERROR" : "INFO",
      message: `${incoming.method} ${incoming.path} ${out.status}`,
      method: incoming.method,
      path: incoming.path,
      status: out.status,
      durationMs: Date.now() - started,
      requestId,
      platform: platform.name,
    });
  }
  return out;
}

/**
 * Adds the app's CORS headers (if it has `cors()`) to an answer's headers for the request's
 * `Origin`: the one place they are added, for core's answers and for those an adapter makes
 * itself (its refusals, health checks, the docs, its last resort). `origin` is undefined where the
 * request's headers cannot be trusted or read (a malformed request): the answer then allows no
 * origin but says it depends on one (or allows any, for `"*"`). An origin check that throws (the
 * app's function) allows none, and is logged: the answer still goes.
 */
export function addCors(app: Pick<Prepared, "cors" | "sink">, headers: [string, string][], origin: string | undefined, env: unknown): void {
  if (!app.cors) return;
  try {
    app.cors.decorate(headers, origin, env);
  } catch (error) {
    app.sink({ severity: "ERROR", message: "the CORS origin check failed; the answer allows no origin", error });
  }
}

/** The problem for a failure; if even that cannot be made (an HttpError with an unsafe header), the last resort's 500. */
function answerFailure(call: Call, error: unknown): Outgoing {
  try {
    return problemToOutgoing(call.toHttpError(error), call.requestId);
  } catch (unanswerable) {
    return faultToOutgoing(unanswerable, call.sink, call.requestId);
  }
}
