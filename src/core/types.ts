/**
 * The seams of the one pipeline: an adapter turns its platform's input into an
 * `Incoming`, core turns it into an `Outgoing`, and the adapter writes that back.
 * Nothing here names a platform.
 */

/**
 * Reads the whole request body, refusing (HttpError 413) past `limit` bytes. A string is the
 * body as text the platform already decoded from UTF-8 (Lambda's non-base64 bodies), so core
 * need not encode it to bytes only to decode it again.
 */
export type BodyReader = (limit: number) => Promise<Uint8Array | string>;

export interface Incoming {
  /** Upper-case method as the client sent it. */
  method: string;
  /** The path as sent, still percent-encoded, without the query. */
  path: string;
  /** The raw query string, without the leading `?`, still percent-encoded. */
  query: string;
  /** Header values by lower-case name; repeated headers joined as HTTP allows. */
  headers: Readonly<Record<string, string | undefined>>;
  /** Absent when the platform knows there is no body. */
  body?: BodyReader;
}

export type OutgoingBody = string | Uint8Array | ReadableStream<Uint8Array> | null;

export interface Outgoing {
  status: number;
  /** Lower-case name and value pairs; `set-cookie` may repeat. */
  headers: [string, string][];
  /** Text (UTF-8 on the wire), bytes, a stream, or nothing. */
  body: OutgoingBody;
}

/** One structured log line: the adapter's sink decides where it goes. */
export type LogEntry = Record<string, unknown> & { severity: Severity; message: string };
export type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";
export type LogSink = (entry: LogEntry) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * The bindings or variables a job reads through `ctx.env`. Augment it to type them:
 * `declare module "jobwrap" { interface Env { USERS: KVNamespace } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Env {}

/** What differs by platform, behind one face. */
export interface Context<E = Env> {
  /** `node`, `lambda`, `cloud-functions`, `workers`. */
  readonly platform: string;
  /** Workers bindings, else `process.env`. */
  readonly env: E;
  readonly requestId: string;
  /** Keeps the invocation alive until `promise` settles, after the response. */
  waitUntil(promise: Promise<unknown>): void;
  /** Aborted when the deadline passes or the client goes away. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds by which the job must answer, if there is one. */
  readonly deadline: number | undefined;
  readonly log: Logger;
  /**
   * The client's address: the one the platform saw the request come from, or, with
   * `trustedProxies` set, the one the last trusted proxy in front of it forwarded. Undefined where
   * the platform tells none.
   */
  readonly clientIp: string | undefined;
  /** What the platform verified of the caller before the request reached the job (an API Gateway authorizer); undefined where none did. */
  readonly identity: Identity | undefined;
  /**
   * The platform's own objects for this request, for what jobwrap does not map: typed by each
   * adapter's `raw(ctx)` (`jobwrap/lambda`, `jobwrap/workers`, …).
   */
  readonly raw: unknown;
}

/**
 * Where a request came from, as the platform vouches for it: the address that reached the
 * platform (a socket's peer, API Gateway's `sourceIp`, Cloudflare's `CF-Connecting-IP`) and the
 * `X-Forwarded-For` the request carried before that hop, which only a trusted proxy makes worth reading.
 */
export interface Peer {
  address: string;
  /** `X-Forwarded-For` as it reached the platform, without any entry the platform appended itself. */
  forwardedFor: string | undefined;
}

/** How a platform verified the caller. */
export type IdentityKind = "jwt" | "authorizer" | "iam";

/**
 * The caller as the platform verified it: a JWT authorizer's claims (`jwt`), the context a
 * Lambda authorizer returned (`authorizer`), or the signer of an IAM-signed request (`iam`).
 */
export interface Identity {
  kind: IdentityKind;
  /** The verified fields by name, as the platform passed them (API Gateway passes REST claims as strings). */
  claims: Readonly<Record<string, unknown>>;
  /** OAuth scopes the token was granted (a JWT's `scp`/`scope`, or HTTP API's `scopes`); empty when none. */
  scopes: readonly string[];
}

/** What an adapter knows about one invocation beyond the request itself. */
export interface Platform {
  name: string;
  env: unknown;
  /** The platform's own request id (`awsRequestId`, `cf-ray`), preferred when present. */
  requestId?: string | undefined;
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
  /** Epoch milliseconds after which the platform would kill the invocation. */
  deadline?: number | undefined;
  /** Aborted by the adapter when the client disconnects (a web platform's own request signal). */
  signal?: AbortSignal | undefined;
  /**
   * Where the platform has no signal of its own (node:http): called once, when a job first reads
   * `ctx.signal`, with what to call when the client goes away. Cheaper than a second
   * AbortController per request chained to ctx's.
   */
  onGone?(abort: (reason: Error) => void): void;
  /**
   * True where a timer started while serving one request may not fire for another (Workers,
   * whose timers belong to the request that set them): each deadline then gets its own timer.
   */
  ownTimers?: boolean | undefined;
  /**
   * Runs a callback before the process goes back to its event loop (Node's `process.nextTick`;
   * after the microtasks queued so far when called from a promise callback): the deadlines'
   * shared timer is then set only for a call unfinished by then (`deadlines.ts`).
   */
  afterTurn?: ((run: () => void) => void) | undefined;
  /** Extra fields on every log line of the request (a trace id, say). */
  logFields?: Record<string, unknown> | undefined;
  /** Where the request came from; read only when a job asks for `ctx.clientIp`. */
  peer?(): Peer | undefined;
  /** What the platform verified of the caller; read only when a job asks for it. */
  identity?(): Identity | undefined;
  /** The platform's own objects for this request (`ctx.raw`). */
  raw?: unknown;
}

/** One request's span, made by an adapter's tracer (OpenTelemetry's, when it is installed). */
export interface RequestSpan {
  /** Runs the job inside the span, so that the spans its work starts are the span's children. */
  within<T>(work: () => T): T;
  /** `route`: the pattern that matched (`/user/:name`), when one did. */
  end(status: number, route: string | undefined): void;
}

/** Starts a request's span: the parent named by the request's own trace context (`traceparent`). */
export type RequestTracer = (incoming: Incoming, requestId: string) => RequestSpan;
