import type { GenericSchema, GenericSchemaAsync, InferInput, InferOutput } from "valibot";
import type { Context, Env, Incoming } from "./types.js";

export type Schema = GenericSchema | GenericSchemaAsync;

/** What a custom extractor sees of the request: everything but the body. */
export type RequestView = Omit<Incoming, "body">;

/**
 * Reads one typed argument of the job from the request (a token, a tenant), before the
 * schemas run. A throw answers 400, or the status of a thrown HttpError.
 */
export type Extractor<T = unknown, E = Env> = (req: RequestView, ctx: Context<E>) => T | Promise<T>;

/** Declared responses by status, for the typed result, OpenAPI and the client. */
export type Responses = { readonly [status: number]: Schema | null };

/** The media types a job's body may come in. */
export type BodyKind = "json" | "form" | "text" | "bytes";

/**
 * A body kind read by a decoder the app imports (`multipart()`), so that an app without it
 * bundles none of its code. `decode` gets the body read whole under the limit.
 */
export interface BodyDecoder {
  readonly kind: string;
  /** The one media type it reads, lower-case, without parameters. */
  readonly mediaType: string;
  decode(raw: Uint8Array | string, contentType: string, limit: number): unknown;
}

/** What a job's `accept` lists. */
export type Accepted = BodyKind | BodyDecoder;

export interface SpecParts {
  params?: Schema;
  query?: Schema;
  headers?: Schema;
  /** The request's cookies by name (a `Cookie` header, Lambda's `cookies` array), each decoded once. */
  cookies?: Schema;
  body?: Schema;
  responses?: Responses;
}

/** The request parts as schemas, plus any custom extractors by name. */
export type Spec = SpecParts & {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly [name: string]: Schema | Extractor<any, any> | Responses | undefined;
};

type PartOf<T> = T extends Schema
  ? InferOutput<T>
  : T extends (...args: never[]) => infer R
    ? Awaited<R>
    : never;

/** The job's argument: each named part of the spec, typed from its schema or extractor. */
export type Input<S> = { [K in Exclude<keyof S, "responses">]: PartOf<S[K]> };

/** Header values a result may carry; an array repeats the header (`set-cookie`). */
export type ResultHeaders = Record<string, string | number | readonly string[]>;

/**
 * What a job returns. A plain object body is JSON, a string text, bytes
 * `application/octet-stream`, a `ReadableStream` is streamed. No body and no status: 204.
 */
export interface JobResult<B = unknown, St extends number = number> {
  status?: St;
  body?: B;
  headers?: ResultHeaders;
}

/**
 * The declared statuses a job returns: those under 400. Error statuses (400 and up) are
 * answered by throwing an HttpError; declaring them documents the problem+json they carry.
 */
export type ReturnedStatus<R> = {
  [K in keyof R & number]: `${K}` extends `${4 | 5}${string}` ? never : K;
}[keyof R & number];

type DeclaredResult<R extends Responses> = {
  // 200 (and 204 without a body) may be left implicit, as when nothing is declared. Flat
  // object types, not intersections: TypeScript then keeps a returned `status: 201` literal.
  [K in ReturnedStatus<R>]: R[K] extends Schema
    ? K extends 200
      ? { status?: K; body: InferInput<R[K]>; headers?: ResultHeaders }
      : { status: K; body: InferInput<R[K]>; headers?: ResultHeaders }
    : K extends 200 | 204
      ? { status?: K; body?: undefined; headers?: ResultHeaders }
      : { status: K; body?: undefined; headers?: ResultHeaders };
}[ReturnedStatus<R>];

/**
 * A job's result type: checked against `responses` when the spec declares a status under 400;
 * with none declared (or only errors), any `JobResult`.
 */
export type ResultOf<S> = (S extends { responses: infer R extends Responses }
  ? [ReturnedStatus<R>] extends [never]
    ? JobResult
    : DeclaredResult<R>
  : JobResult) &
  // Adds nothing to the union above, but gives `status` a contextual type TypeScript can
  // see while it still infers S: without it a returned `status: 201` widens to `number`.
  { status?: StatusHint<S> };

type StatusHint<S> = S extends { responses: infer R extends Responses }
  ? Extract<ReturnedStatus<R>, number> | ([ReturnedStatus<R>] extends [never] ? number : never)
  : number;

export interface JobOptions {
  /** Media types of the body the job reads; `json` by default. Others answer 415. */
  accept?: Accepted | readonly Accepted[];
  /** Largest body in bytes; overrides the app's limit (1 MiB by default). */
  bodyLimit?: number;
  /** Milliseconds the job may run before it answers 504; overrides the app's. */
  timeout?: number;
  /** Proxies in front of the platform whose `X-Forwarded-For` entries `ctx.clientIp` reads; overrides the app's. */
  trustedProxies?: number;
  /** Skips the extractors a route table runs for every route (`routes(table, { use })`): a health route. */
  public?: boolean;
  /** For the docs: a one-line summary and a longer description. */
  summary?: string;
  description?: string;
}

export type Run<S extends Spec, E = Env> = (
  input: Input<S>,
  ctx: Context<E>,
) => ResultOf<S> | Promise<ResultOf<S>>;

export interface Job<S extends Spec = Spec, E = Env> {
  readonly kind: "job";
  readonly spec: S;
  /** Method syntax on purpose: a table holds jobs of many specs, checked bivariantly. */
  run(input: Input<S>, ctx: Context<E>): ResultOf<S> | Promise<ResultOf<S>>;
  readonly options: JobOptions;
}

/** Any job, whatever its spec. Not `Job<any>`: that would erase the inference of `job()` inside a table. */
export type AnyJob = Job<Spec, Env>;

/**
 * A typed job: `spec` names the valibot schemas of the request parts and any custom
 * extractors; `run` gets them validated and typed.
 */
// `Job<NoInfer<S>>`: inside `routes({ ... })` TypeScript would otherwise infer S from the
// table's `AnyJob` too, and widen a returned `status: 201` to `number`.
export function job<const S extends Spec, E = Env>(spec: S, run: Run<S, E>, options: JobOptions = {}): Job<NoInfer<S>, E> {
  // Here rather than a module constant (which a mutation test cannot vary): a job is made once.
  const partNames = new Set(["params", "query", "headers", "cookies", "body"]);
  for (const [name, part] of Object.entries(spec)) {
    if (part === undefined || name === "responses") continue;
    const isSchema = typeof part === "object" && part !== null && (part as { kind?: unknown }).kind === "schema";
    if (partNames.has(name) ? !isSchema : typeof part !== "function") {
      throw new TypeError(`job spec "${name}" must be ${partNames.has(name) ? "a valibot schema" : "an extractor function"}`);
    }
  }
  return { kind: "job", spec, run, options };
}

export function isJob(value: unknown): value is AnyJob {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "job";
}
