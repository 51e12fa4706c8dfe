/**
 * Cloudflare Workers: `export default wrap(api)` is the Worker's `ExportedHandler`.
 * The `Request` is the input as the platform hands it over; nothing here imports Node.
 */
import { forwardedBefore } from "../core/client-ip.js";
import { addCors, handle, prepare, type AppOptions, type Prepared } from "../core/handle.js";
import { jsonLine } from "../core/log.js";
import { lastResort, requestIdIn } from "../core/problems.js";
import { readWhole } from "../core/read-whole.js";
import type { App } from "../core/routes.js";
import type { Context, Env, Incoming, LogSink, Outgoing, Peer, Severity } from "../core/types.js";

export type WorkersOptions = AppOptions;

/** The part of the Workers `ExecutionContext` the adapter uses. */
export interface WorkersExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/** The Worker's own objects behind a job's request: the `Request` (with its `cf` properties), the bindings and the `ExecutionContext`. */
export interface WorkersRaw<E = Env> {
  /** `cf`: Cloudflare's properties of the request (colo, country, TLS…), typed fully by `@cloudflare/workers-types`. */
  request: Request & { readonly cf?: Readonly<Record<string, unknown>> | undefined };
  env: E;
  ctx: WorkersExecutionContext;
}

/** The Workers objects behind a job's request, for what jobwrap does not map; undefined on another platform. */
export function raw<E = Env>(ctx: Pick<Context, "platform" | "raw">): WorkersRaw<E> | undefined {
  return ctx.platform === "workers" ? (ctx.raw as WorkersRaw<E>) : undefined;
}

/**
 * Cloudflare's edge sets `CF-Connecting-IP` to the address that reached it, replacing any the
 * client sent, and appends the same address to `X-Forwarded-For`.
 */
export function peerOf(headers: Readonly<Record<string, string | undefined>>): Peer | undefined {
  const address = headers["cf-connecting-ip"];
  return address ? { address, forwardedFor: forwardedBefore(headers["x-forwarded-for"], address) } : undefined;
}

/**
 * A Workers module handler. `E` is the Worker's bindings: pass the `Env` that
 * `wrangler types` generates, `wrap<Env>(api)`, so it `satisfies ExportedHandler<Env>`.
 */
export interface WorkersHandler<E = Env> {
  fetch(request: Request, env: E, ctx: WorkersExecutionContext): Promise<Response>;
}

/**
 * A `, ` that joins two Cookie lines: workerd's `Headers` joins repeated fields with a comma,
 * but cookies are separated by `; `. A cookie value has no comma (RFC 6265), so a comma
 * followed by `name=` can only be such a join.
 */
const cookieJoin = /,\s*(?=[!#$%&'*+.^_`|~\w-]+=)/g;

/** Headers by lower-case name, repeated values joined as HTTP allows (cookies with `; `). */
function headersOf(headers: Headers): Record<string, string> {
  // Null prototype: a header named `__proto__` stays a header.
  const record = Object.create(null) as Record<string, string>;
  headers.forEach((value, name) => {
    record[name] = name === "cookie" && value.includes(",") ? value.replace(cookieJoin, "; ") : value;
  });
  return record;
}

/**
 * Maps the `Request` to core's `Incoming`; core checks `content-length` before reading.
 * `request.url` is already a serialized URL, so parsing it again changes nothing: the path
 * and query stay percent-encoded as sent, and a fragment (a service binding may pass one) is dropped.
 */
export function incomingOf(request: Request): Incoming {
  const url = new URL(request.url);
  const body = request.body;
  return {
    method: request.method,
    path: url.pathname,
    query: url.search.slice(1),
    headers: headersOf(request.headers),
    body: body ? (limit) => readWhole(body, limit) : undefined,
  };
}

/** Maps core's `Outgoing` to a `Response`; repeated `set-cookie` stays repeated, streams stream. */
export function responseOf(out: Outgoing): Response {
  // Header pairs are appended in order, so a repeated `set-cookie` stays repeated. Core's bytes
  // are a plain Uint8Array; the DOM typing only wants them ArrayBuffer-backed.
  return new Response(out.body as BodyInit | null, { status: out.status, headers: out.headers });
}

const consoleMethod: Record<Severity, "debug" | "info" | "warn" | "error"> = { DEBUG: "debug", INFO: "info", WARNING: "warn", ERROR: "error" };

/**
 * Records as Workers Logs reads them: one line of JSON, its fields extracted and indexed, through
 * the console method of its level, so the record's level is its own (console.log files every
 * record as "log"; workerd writes warn and error to standard error).
 */
export const workersSink: LogSink = (entry) => {
  console[consoleMethod[entry.severity] ?? "error"](jsonLine(entry));
};

function handler<E>(app: App, options: WorkersOptions): WorkersHandler<E> {
  let prepared = prepare(app, options, { sink: workersSink });
  let leveled = options.logLevel !== undefined;
  return {
    async fetch(request, env, ctx) {
      let out: Outgoing | undefined;
      if (!leveled) {
        // The bindings, a LOG_LEVEL variable among them, are known from the first request on.
        leveled = true;
        const level = (env as { LOG_LEVEL?: unknown } | undefined)?.LOG_LEVEL;
        if (typeof level === "string") prepared = prepare(app, options, { sink: workersSink, levels: [level] });
      }
      try {
        const incoming = incomingOf(request);
        out = await handle(prepared, incoming, {
          name: "workers",
          env,
          raw: { request, env, ctx } satisfies WorkersRaw<E>,
          peer: () => peerOf(incoming.headers),
          requestId: request.headers.get("cf-ray") ?? undefined,
          // Workers checks `this` on waitUntil, so it is called on ctx, not detached.
          waitUntil: (promise) => ctx.waitUntil(promise),
          // Aborts when the client goes away only with the `enable_request_signal` compatibility flag.
          signal: request.signal,
          // A timer belongs to the request that set it: a deadline's timer must be its own.
          ownTimers: true,
        });
        return responseOf(out);
      } catch (error) {
        // handle() answers every failure itself; reaching here is a bug in jobwrap, or an answer
        // the Response refuses (a header value past Latin-1). Answer a problem rather than the
        // platform's HTML error page, with the answer's request id and the CORS headers of any other.
        const fault = lastResort(error, prepared.sink, requestIdIn(out));
        addCors(prepared, fault.headers, request.headers.get("origin") ?? undefined, env);
        return responseOf(fault);
      }
    },
  };
}

/** A Workers `ExportedHandler` for one job or a route table: `export default wrap(api)`. */
export function wrap<E = Env>(app: App, options: WorkersOptions = {}): WorkersHandler<E> {
  return handler<E>(app, options);
}
