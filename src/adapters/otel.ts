/**
 * An OpenTelemetry span per request, when the app installs `@opentelemetry/api` (an optional
 * peer) and registers an SDK before it wraps the app: loaded once, when the app is wrapped;
 * otherwise nothing is loaded (not even a lookup of the package) and no request pays for tracing. The span's parent is the request's W3C `traceparent` (through the propagator the
 * app's SDK registers), else the span already active, else the platform's own trace (Lambda's
 * X-Ray trace); and the job runs inside it, so the spans its own work starts are children.
 * Node's runtimes only (Node server, Lambda, Cloud Functions): Workers has no `require`.
 */
import { createRequire } from "node:module";
import type * as Api from "@opentelemetry/api";
import type { RequestTracer } from "../core/types.js";

/**
 * Where `@opentelemetry/api` 1.x keeps what an SDK registers (its tracer provider, context
 * manager, propagator): absent until one is registered, and a tracer without one records nothing.
 * Checking it first spares a cold start the search for a package that a bundle rarely ships.
 */
const registered = Symbol.for("opentelemetry.js.api.1");

function loadApi(): typeof Api | undefined {
  if ((globalThis as Record<symbol, unknown>)[registered] === undefined) return undefined;
  try {
    return createRequire(import.meta.url)("@opentelemetry/api") as typeof Api;
  } catch {
    return undefined;
  }
}

/** Header values as the propagator reads them: Node's header record already is one. */
const headerGetter: Api.TextMapGetter<Readonly<Record<string, string | undefined>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

/** A span in another process, named by its ids: the parent of a request's span. */
export interface RemoteParent {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  sampled: boolean;
}

/**
 * The tracer for a platform, or undefined when `@opentelemetry/api` is not installed.
 * `platformParent`: the parent of a request that names none and finds no span active, asked
 * for per request (on Lambda, the invocation's X-Ray trace); undefined: a root span.
 */
export function openTelemetry(platform: string, platformParent?: () => RemoteParent | undefined): RequestTracer | undefined {
  const api = loadApi();
  // Apart, so that a cold start without the API compiles none of the tracer below.
  return api === undefined ? undefined : tracerOf(api, platform, platformParent);
}

function tracerOf(api: typeof Api, platform: string, platformParent: (() => RemoteParent | undefined) | undefined): RequestTracer {
  const tracer = api.trace.getTracer("jobwrap");
  return (incoming, requestId) => {
    let parent = api.propagation.extract(api.context.active(), incoming.headers, headerGetter);
    const named = api.trace.getSpanContext(parent);
    const remote = platformParent && !(named && api.isSpanContextValid(named)) ? platformParent() : undefined;
    if (remote) {
      const traceFlags = remote.sampled ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE;
      parent = api.trace.setSpanContext(parent, { traceId: remote.traceId, spanId: remote.spanId, traceFlags, isRemote: true });
    }
    const span = tracer.startSpan(
      incoming.method,
      {
        kind: api.SpanKind.SERVER,
        attributes: { "http.request.method": incoming.method, "url.path": incoming.path, "jobwrap.request_id": requestId, "jobwrap.platform": platform },
      },
      parent,
    );
    const active = api.trace.setSpan(parent, span);
    return {
      within: (work) => api.context.with(active, work),
      end: (status, route) => {
        if (route !== undefined) {
          span.setAttribute("http.route", route);
          span.updateName(`${incoming.method} ${route}`);
        }
        span.setAttribute("http.response.status_code", status);
        if (status >= 500) span.setStatus({ code: api.SpanStatusCode.ERROR });
        span.end();
      },
    };
  };
}
