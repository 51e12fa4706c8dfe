/**
 * CORS, made by `cors({ origin })` and given to `routes(table, { cors })` or `wrap`/`serve`'s
 * `cors` option. A function rather than plain options so an app without it bundles none of it.
 */
import { originRefused } from "./problems.js";
import { addVary } from "./result.js";
import type { Env, Incoming } from "./types.js";

export interface CorsOptions {
  /**
   * Origins allowed to call: `"*"` (any, and never with credentials), an origin or a list
   * (`"https://app.example.com"`, exact), a pattern tested against the whole `Origin`, or a function
   * of it and the app's `env` (Workers bindings, else `process.env`), for an origin set by deployment.
   */
  origin: string | readonly string[] | RegExp | ((origin: string, env: Env) => boolean);
  /** Lets the browser send cookies and `Authorization`, and read the answer (`Access-Control-Allow-Credentials`). */
  credentials?: boolean;
  /** Methods a preflight allows. Default: GET, HEAD, PUT, PATCH, POST, DELETE. */
  methods?: readonly string[];
  /** Request headers a preflight allows. Default: those the preflight asks for. */
  allowHeaders?: readonly string[];
  /** Response headers the browser's script may read beyond the safelisted ones. Default: `x-request-id`. */
  exposeHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight's answer. Default 600; browsers cap it (Chromium at 7200). */
  maxAge?: number;
}

/** What core asks of the CORS option: the preflight's answer, and the headers of any other answer. */
export interface Cors {
  readonly kind: "cors";
  /** A preflight's headers beyond those `decorate` adds; throws an HttpError (403) for an origin not allowed. */
  preflight(incoming: Incoming, env: unknown): [string, string][];
  /** Adds the CORS headers to an answer (a problem's too) for the request's `Origin`. */
  decorate(headers: [string, string][], origin: string | undefined, env: unknown): void;
}

export function isPreflight(incoming: Incoming): boolean {
  return incoming.method === "OPTIONS" && incoming.headers.origin !== undefined && incoming.headers["access-control-request-method"] !== undefined;
}

function allowsOrigin(origin: CorsOptions["origin"]): (value: string, env: Env) => boolean {
  if (typeof origin === "function") return origin;
  if (origin instanceof RegExp) return (value) => origin.exec(value)?.[0] === value;
  const list = new Set(typeof origin === "string" ? [origin] : origin);
  return (value) => list.has(value);
}

export function cors(options: CorsOptions): Cors {
  const any = options.origin === "*";
  if (any && options.credentials) throw new TypeError('cors: origin "*" cannot go with credentials; name the origins');
  const allowed = any ? () => true : allowsOrigin(options.origin);
  const methods = (options.methods ?? ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]).join(", ");
  const allowHeaders = options.allowHeaders?.join(", ");
  const exposeHeaders = (options.exposeHeaders ?? ["x-request-id"]).join(", ");
  const maxAge = String(options.maxAge ?? 600);

  return {
    kind: "cors",
    preflight(incoming, env) {
      if (!allowed(incoming.headers.origin!, env as Env)) throw originRefused();
      const headers: [string, string][] = [["access-control-allow-methods", methods]];
      const asked = incoming.headers["access-control-request-headers"];
      if (allowHeaders !== undefined) headers.push(["access-control-allow-headers", allowHeaders]);
      else if (asked) {
        headers.push(["access-control-allow-headers", asked]);
        addVary(headers, "Access-Control-Request-Headers");
      }
      headers.push(["access-control-max-age", maxAge]);
      return headers;
    },
    decorate(headers, origin, env) {
      // "*" answers alike whatever the Origin; anything else depends on it, and says so to caches.
      if (any) headers.push(["access-control-allow-origin", "*"]);
      else {
        addVary(headers, "Origin");
        if (origin === undefined || !allowed(origin, env as Env)) return;
        headers.push(["access-control-allow-origin", origin]);
      }
      if (options.credentials) headers.push(["access-control-allow-credentials", "true"]);
      // A preflight's answer is read by the browser, not by a script: nothing there to expose.
      if (exposeHeaders && !headers.some(([name]) => name === "access-control-allow-methods")) {
        headers.push(["access-control-expose-headers", exposeHeaders]);
      }
    },
  };
}
