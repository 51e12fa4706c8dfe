/** One invocation: the event's source told once, its context as core's `Platform`, and the answer when that fails. */
import { addCors, handle, type Prepared } from "../../core/handle.js";
import { requestIdOf } from "../../core/request-id.js";
import { lastResort } from "../../core/problems.js";
import type { Identity, Incoming, Outgoing, Peer, Platform } from "../../core/types.js";
import { albProcessor } from "./alb.js";
import type { EventKind, LambdaContext, LambdaHttpEvent, LambdaRaw, Processor, ResultShaper } from "./events.js";
import { isFields, MalformedEvent, type Fields } from "./fields.js";
import { xrayLogFields } from "./log.js";
import type { PathSettings } from "./options.js";
import { v1Processor } from "./v1.js";
import { v2Processor } from "./v2.js";

/**
 * Every event source by kind: the one place the kind is told from the event, and the processor
 * found there both reads the event and shapes the result (`wrapStream` reads with it only).
 */
const processors: { readonly [K in EventKind]: Processor } = { v1: v1Processor, v2: v2Processor, alb: albProcessor };

/**
 * Tells the source from the event's structure, never from one field's presence alone: a REST API
 * behind a custom domain's base path mapping also carries a `rawPath`, and only payload 2.0 has
 * a `requestContext.http` object. Field types are not judged here: an event shaped like an HTTP
 * event with a wrong type inside is still one, answered 400 by the reader.
 */
export function kindOf(event: unknown): EventKind | undefined {
  if (!isFields(event)) return undefined;
  const context = isFields(event.requestContext) ? event.requestContext : undefined;
  if (context?.elb !== undefined) return "alb";
  if (isFields(context?.http)) return "v2";
  if (event.httpMethod !== undefined) return "v1";
  // No `http` object and no `httpMethod`: payload 2.0 by what it says of itself, its
  // `requestContext` missing or malformed (a 400 once read).
  if (event.version === "2.0" || event.rawPath !== undefined) return "v2";
  return undefined;
}

/** What is known of an event before it is read: its source's processor, and the result shape its answer must take. */
interface Source {
  processor: Processor;
  reply: ResultShaper;
}

/**
 * The event's source, or a TypeError naming what came instead, which Lambda reports as the
 * invocation's error: no HTTP client waits on an event that is no HTTP request.
 */
export function sourceOf(event: unknown): Source {
  let source: Source | undefined;
  try {
    const kind = kindOf(event);
    if (kind !== undefined) {
      const processor = processors[kind];
      source = { processor, reply: processor.result(event as Fields) };
    }
  } catch {
    // Its properties throw when read (a Proxy, a getter): no source sends such an event.
    source = undefined;
  }
  if (source === undefined) {
    throw new TypeError(
      `jobwrap/lambda: the event is not an HTTP request from API Gateway (REST or HTTP API), an Application Load Balancer or a Function URL; it is ${descriptionOf(event)}`,
    );
  }
  return source;
}

const listedKeys = 10;
const keyLength = 40;

/**
 * `null`, `a number`, `an object with keys "Records"`: enough to tell which trigger sent it, and
 * never a value, since an event may hold what must not reach a log.
 */
function descriptionOf(value: unknown): string {
  try {
    if (value === null || value === undefined) return String(value);
    if (Array.isArray(value)) return "an array";
    if (typeof value !== "object") return `a ${typeof value}`;
    const keys = Object.keys(value);
    if (keys.length === 0) return "an object with no keys";
    const named = keys.slice(0, listedKeys).map((key) => JSON.stringify(key.length > keyLength ? key.slice(0, keyLength) + "…" : key));
    const more = keys.length > listedKeys ? ` and ${keys.length - listedKeys} more` : "";
    return `an object with keys ${named.join(", ")}${more}`;
  } catch {
    return "a value that cannot be inspected";
  }
}

const defaultSafetyMargin = 500;

/**
 * What core needs to know of one invocation: its request id, its deadline, and the work handed
 * to `ctx.waitUntil`, awaited before the invocation ends since Lambda freezes after; and, read
 * only when a job asks, the caller and its address. One object an event, with its methods on
 * the prototype: core calls them as methods.
 */
export class Invocation implements Platform {
  readonly name = "lambda";
  readonly env = process.env;
  readonly requestId: string | undefined;
  readonly deadline: number | undefined;
  readonly raw: LambdaRaw;
  #work: Promise<unknown>[] | undefined;
  /** Set once the event is read (run). */
  processor: Processor | undefined;
  headers: Incoming["headers"] | undefined;

  constructor(event: unknown, context: LambdaContext | undefined, safetyMargin: number | undefined) {
    this.raw = { event: event as LambdaHttpEvent, context };
    this.requestId = typeof context?.awsRequestId === "string" ? context.awsRequestId : undefined;
    const remaining = typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : undefined;
    this.deadline =
      typeof remaining === "number" && Number.isFinite(remaining)
        ? Date.now() + remaining - Math.min(safetyMargin ?? defaultSafetyMargin, Math.max(0, remaining) / 4)
        : undefined;
  }

  waitUntil(promise: Promise<unknown>): void {
    (this.#work ??= []).push(promise);
  }

  afterTurn(run: () => void): void {
    process.nextTick(run);
  }

  /** Read when a line is written, not per invocation: the runtime sets it for each invocation, and the environment is slow to read. */
  get logFields(): Record<string, unknown> | undefined {
    return xrayLogFields();
  }

  peer(): Peer | undefined {
    return this.processor?.peer(this.raw.event as Fields, this.headers ?? {});
  }

  identity(): Identity | undefined {
    return this.processor?.identity(this.raw.event as Fields);
  }

  get waiting(): boolean {
    return this.#work !== undefined && this.#work.length > 0;
  }

  /** Awaits every piece of `waitUntil` work, including work added while it runs. */
  async awaitWork(): Promise<void> {
    while (this.#work !== undefined && this.#work.length > 0) {
      const batch = this.#work;
      this.#work = [];
      await Promise.allSettled(batch);
    }
  }
}

/** Runs one event through core, read by its source's processor. */
export function run(app: Prepared, processor: Processor, settings: PathSettings, invocation: Invocation): Promise<Outgoing> {
  const incoming = processor.incoming(invocation.raw.event as Fields, settings);
  invocation.processor = processor;
  invocation.headers = incoming.headers;
  return handle(app, incoming, invocation);
}

/** The id an answer made outside core carries: the awsRequestId when it is safe to echo, as core would pick it. */
export function answerId(invocation: Invocation): string {
  return requestIdOf({}, invocation.requestId);
}

/**
 * The answer when an invocation fails outside core's pipeline, which answers every failure of a
 * job itself: the reader's 400 for a malformed event (one WARNING line, nothing of the event),
 * else core's last resort; either with the app's CORS headers, for the request's `Origin` if its
 * headers were read (a malformed event's are not: its answer allows no origin).
 */
export function failureAnswer(app: Prepared, error: unknown, invocation: Invocation, requestId = answerId(invocation)): Outgoing {
  const { sink } = app;
  if (isMalformedEvent(error)) {
    sink({ severity: "WARNING", message: `answered 400 to a malformed event: ${error.detail}`, status: 400, requestId, platform: "lambda" });
  }
  const out = lastResort(error, sink, requestId);
  addCors(app, out.headers, invocation.headers?.origin, invocation.env);
  return out;
}

function isMalformedEvent(error: unknown): error is MalformedEvent {
  try {
    return error instanceof MalformedEvent;
  } catch {
    // A Proxy whose prototype cannot be read: not the reader's.
    return false;
  }
}
