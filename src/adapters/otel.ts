/**
 * An OpenTelemetry span per request, when the app installs `@opentelemetry/api` (an optional
 * peer): loaded once, when the app is wrapped; without it nothing is loaded and no request pays
 * for tracing. The span's parent is the request's W3C `traceparent` (through the propagator the
 * app's SDK registers), and the job runs inside it, so the spans its own work starts are children.
 * Node's runtimes only (Node server, Lambda, Cloud Functions): Workers has no `require`.
 */
import { createRequire } from "node:module";
import type * as Api from "@opentelemetry/api";
import type { RequestTracer } from "../core/types.js";

function loadApi(): typeof Api | undefined {
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

/** The tracer for a platform, or undefined when `@opentelemetry/api` is not installed. */
export function openTelemetry(platform: string): RequestTracer | undefined {
  const api = loadApi();
  if (api === undefined) return undefined;
  const tracer = api.trace.getTracer("jobwrap");
  return (incoming, requestId) => {
    const parent = api.propagation.extract(api.context.active(), incoming.headers, headerGetter);
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
