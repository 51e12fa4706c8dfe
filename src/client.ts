/**
 * `jobwrap/client`: a typed client for a route table, from its type alone:
 * `client<typeof api>(baseUrl).request("POST /user", { body })`. Requests are typed from the
 * jobs' schemas and results from their declared responses; errors come back as RFC 9457
 * problems. Only `fetch` is used, so it runs in browsers, Workers, Deno and Node alike, and
 * only types are taken from the server side: none of its code is bundled.
 */
import type { InferInput } from "valibot";
import type { FieldError } from "./core/http-error.js";
import { statusText } from "./core/status.js";
import { pathParam } from "./core/path-param.js";
import type { Responses, ReturnedStatus, Schema } from "./core/job.js";
import type { Routes, RouteTable } from "./core/routes.js";

/** An RFC 9457 problem, as jobwrap answers every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  /** For a 400: each part of the request a schema refused, by JSON pointer (`/body/name`). */
  errors?: FieldError[];
  [member: string]: unknown;
}

/** A success the job declared, or any success when it declared none. */
export interface Success<St extends number = number, B = unknown> {
  ok: true;
  status: St;
  body: B;
  headers: Headers;
}

/** Any answer of 400 and up, as a problem. */
export interface Failure {
  ok: false;
  status: number;
  problem: Problem;
  headers: Headers;
}

// Each part is read straight off the spec, one conditional per part: no recursion, so a
// large table costs the type checker little (see test/client/fifty-routes.ts).
type Optional<Name extends string, T> = {} extends T ? { [K in Name]?: T } : { [K in Name]: T };
type ParamsPart<S, Route> = S extends { params: infer P extends Schema }
  ? { params: InferInput<P> }
  : Route extends `${string}/:${string}`
    ? Route extends `${string}?` // Hono's optional last parameter
      ? { params?: Record<string, string | number> }
      : { params: Record<string, string | number> }
    : {};
type QueryPart<S> = S extends { query: infer Q extends Schema } ? Optional<"query", InferInput<Q>> : {};
type HeadersPart<S> = S extends { headers: infer H extends Schema } ? Optional<"headers", InferInput<H>> : {};
type CookiesPart<S> = S extends { cookies: infer C extends Schema } ? Optional<"cookies", InferInput<C>> : {};
type BodyPart<S> = S extends { body: infer B extends Schema }
  ? undefined extends InferInput<B>
    ? { body?: InferInput<B> }
    : { body: InferInput<B> }
  : {};

/** What a call sends for a job's spec: the parts it names, typed as the client gives them. */
export type RequestParts<S, Route = string> = ParamsPart<S, Route> & QueryPart<S> & HeadersPart<S> & CookiesPart<S> & BodyPart<S>;

export interface CallOptions {
  signal?: AbortSignal;
  /** Headers beyond those the job's schema names (a token, say). */
  extraHeaders?: HeadersInit;
  /** For an `ALL` route: the method to send. Default GET, or POST with a body. */
  method?: string;
}

type Declared<R> = {
  [K in ReturnedStatus<R>]: Success<K, R[K] extends Schema ? InferInput<R[K]> : undefined>;
}[ReturnedStatus<R>];

/** What a call resolves to for a job's spec: a declared success or a problem. */
export type Outcome<S> =
  | (S extends { responses: infer R extends Responses }
      ? [ReturnedStatus<R>] extends [never]
        ? Success
        : Declared<R>
      : Success)
  | Failure;

type Args<S, Route> = {} extends RequestParts<S, Route>
  ? [input?: RequestParts<S, Route> & CallOptions]
  : [input: RequestParts<S, Route> & CallOptions];

/**
 * One function per route, by its key in the table: `users["POST /user"]({ body })`. Each
 * resolves to the route's outcome, and rejects only if `fetch` does. A mapped type rather than
 * a generic `request(route, input)`: looking up a key costs the checker one route, where
 * inferring a generic route key makes it weigh every route of the table at each call.
 */
export type Client<T extends RouteTable> = {
  readonly [K in keyof T & string]: (...input: Args<T[K]["spec"], K>) => Promise<Outcome<T[K]["spec"]>>;
};

export interface ClientOptions {
  /** A `fetch` to use instead of the global one (a Workers service binding's, say). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** Headers sent with every call. */
  headers?: HeadersInit;
  /** `fetch`'s `credentials`: `"include"` for a browser to send its cookies to another origin (CORS with credentials). */
  credentials?: RequestCredentials;
}

interface Input {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  cookies?: Record<string, unknown>;
  body?: unknown;
  signal?: AbortSignal;
  extraHeaders?: HeadersInit;
  method?: string;
}

/** A typed client for the route table `A` (`typeof api`), calling the server at `baseUrl`. */
export function client<A extends Routes>(baseUrl: string | URL, options: ClientOptions = {}): Client<A["table"]> {
  const base = String(baseUrl).replace(/\/+$/, "");
  const send = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
  async function request(route: string, input: Input = {}): Promise<Success | Failure> {
    const space = route.indexOf(" ");
    let method = route.slice(0, space);
    if (method === "ALL") method = input.method ?? (input.body === undefined ? "GET" : "POST");
    const url = base + fillPath(route.slice(space + 1).trim(), input.params ?? {}) + searchOf(input.query);
    const headers = new Headers(options.headers);
    for (const [name, value] of new Headers(input.extraHeaders)) headers.set(name, value);
    for (const [name, value] of Object.entries(input.headers ?? {})) if (value !== undefined) headers.set(name, String(value));
    const cookie = cookieOf(input.cookies);
    if (cookie) headers.set("cookie", cookie);
    const body = encodeBody(input.body, headers);
    const init: RequestInit = { method, headers };
    // Across origins a browser sends its cookies, those the service set included, only when told to.
    if (options.credentials) init.credentials = options.credentials;
    if (body !== undefined) init.body = body;
    if (input.signal) init.signal = input.signal;
    return outcomeOf(await send(url, init), method);
  }
  // The table's keys are types only here, so every key is answered: a Proxy, which browsers,
  // Workers and Node all have.
  const calls = new Map<string, (input?: Input) => Promise<Success | Failure>>();
  return new Proxy(Object.create(null) as object, {
    get(_, route) {
      if (typeof route !== "string" || !/^[A-Z]+ +\//.test(route)) return undefined;
      let call = calls.get(route);
      if (!call) calls.set(route, (call = (input) => request(route, input)));
      return call;
    },
  }) as Client<A["table"]>;
}

/** `/user/:name` with `{ name: "ann" }` → `/user/ann`, each value percent-encoded. */
function fillPath(path: string, params: Record<string, unknown>): string {
  const out: string[] = [];
  for (const part of path.split("/")) {
    const param = pathParam(part);
    if (!param) {
      out.push(part);
      continue;
    }
    const value = params[param.name];
    if (value === undefined || value === null) {
      if (param.optional) continue;
      throw new TypeError(`the path parameter "${param.name}" is missing`);
    }
    out.push(encodeURIComponent(String(value)));
  }
  return out.join("/") || "/";
}

/** Arrays repeat the key (`a=1&a=2`), as the server reads them back. */
function searchOf(query: Record<string, unknown> | undefined): string {
  if (!query) return "";
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

/**
 * The `cookies` part as a `Cookie` header, each value percent-encoded as the server decodes it.
 * Where the runtime forbids the header (a browser's fetch), the browser's own cookies go instead.
 */
function cookieOf(cookies: Record<string, unknown> | undefined): string {
  if (!cookies) return "";
  return Object.entries(cookies)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join("; ");
}

/** A string goes as text, bytes and blobs as they are, a form as a form, an object with a file as multipart, anything else as JSON. */
function encodeBody(body: unknown, headers: Headers): BodyInit | undefined {
  if (body === undefined) return undefined;
  const set = (type: string) => headers.has("content-type") || headers.set("content-type", type);
  if (typeof body === "string") {
    set("text/plain; charset=utf-8");
    return body;
  }
  if (body instanceof URLSearchParams || body instanceof Blob || body instanceof ArrayBuffer || body instanceof FormData) return body;
  if (ArrayBuffer.isView(body)) {
    set("application/octet-stream");
    return body as Uint8Array<ArrayBuffer>;
  }
  // An object holding a file is a multipart form (`accept: multipart()`); fetch writes its boundary.
  if (typeof body === "object" && body !== null && Object.values(body).some(holdsFile)) return formDataOf(body as Record<string, unknown>);
  set("application/json");
  return JSON.stringify(body);
}

// A function declaration, not an arrow function in a module constant: a mutation run then measures it (issue 19).
function holdsFile(value: unknown): boolean {
  return value instanceof Blob || (Array.isArray(value) && value.some((item) => item instanceof Blob));
}

/** Each field once, a list repeated under its name; files as files, anything else as text. */
function formDataOf(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined) continue;
      if (item instanceof Blob) form.append(name, item);
      else form.append(name, String(item));
    }
  }
  return form;
}

async function outcomeOf(response: Response, method: string): Promise<Success | Failure> {
  const { status, headers } = response;
  const type = headers.get("content-type")?.split(";", 1)[0]!.trim().toLowerCase() ?? "";
  if (status >= 400) return { ok: false, status, problem: problemFrom(status, type, await response.text()), headers };
  let body: unknown;
  if (method === "HEAD" || status === 204 || status === 205 || status === 304) body = undefined;
  else if (type === "application/json" || type.endsWith("+json")) body = await response.json();
  else if (type.startsWith("text/")) body = await response.text();
  else {
    const bytes = new Uint8Array(await response.arrayBuffer());
    // No media type and nothing sent: a job that returned no body.
    body = bytes.length === 0 && type === "" ? undefined : bytes;
  }
  return { ok: true, status, body, headers };
}

/**
 * The problem an error answer carries; one not from jobwrap (a proxy's page, an empty or
 * cut-off body) becomes the same shape from what there is, rather than a rejected call.
 */
function problemFrom(status: number, type: string, text: string): Problem {
  if (type === "application/problem+json" || type === "application/json") {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        return { type: "about:blank", title: statusText(status), status, ...(parsed as Partial<Problem>) };
      }
    } catch {
      // Not JSON after all: described below like any other page.
    }
  }
  return { type: "about:blank", title: statusText(status), status, detail: text.slice(0, 1000) };
}
