/** One invocation: the event to `Incoming`, Lambda's context to core's `Platform`, and the answer when that fails. */
import { handle, type AppOptions, type Prepared } from "../../core/handle.js";
import { requestIdOf } from "../../core/request-id.js";
import { lastResort } from "../../core/problems.js";
import type { Incoming, LogSink, Outgoing, Platform } from "../../core/types.js";
import { incomingAlb, isMultiValue } from "./alb.js";
import { kindOf, type EventKind, type LambdaContext } from "./events.js";
import { MalformedEvent, type Fields } from "./fields.js";
import type { Settings } from "./settings.js";
import { incomingV1 } from "./v1.js";
import { incomingV2 } from "./v2.js";

export interface LambdaOptions extends AppOptions {
  /** See `PathOptions`. */
  basePath?: string;
  stripStage?: boolean;
  /**
   * Milliseconds kept back from the time Lambda gives the invocation, so a job past its
   * deadline still answers 504 before Lambda ends it. Default 500, or a quarter of the time
   * left when that is less.
   */
  safetyMargin?: number;
}

export const defaultSafetyMargin = 500;

/** The event as core's `Incoming`, read by the types its source sends: a wrong type throws `MalformedEvent`. */
export function incomingOf(kind: EventKind, event: Fields, settings: Settings): Incoming {
  if (kind === "v2") return incomingV2(event, settings);
  if (kind === "v1") return incomingV1(event, settings);
  return incomingAlb(event, settings);
}

/** What is known of an event before it is read: its source, and for ALB the header mode its answer must use. */
export interface Source {
  kind: EventKind;
  multiValue: boolean;
}

/**
 * The event's source, or a TypeError naming what came instead, which Lambda reports as the
 * invocation's error: no HTTP client waits on an event that is no HTTP request.
 */
export function sourceOf(event: unknown): Source {
  let kind: EventKind | undefined;
  let multiValue = false;
  try {
    kind = kindOf(event);
    multiValue = kind === "alb" && isMultiValue(event as Fields);
  } catch {
    // Its properties throw when read (a Proxy, a getter): no source sends such an event.
    kind = undefined;
  }
  if (kind === undefined) {
    throw new TypeError(
      `jobwrap/lambda: the event is not an HTTP request from API Gateway (REST or HTTP API), an Application Load Balancer or a Function URL; it is ${descriptionOf(event)}`,
    );
  }
  return { kind, multiValue };
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

/**
 * What core needs to know of one invocation: its request id, its deadline, and the work handed
 * to `ctx.waitUntil`, awaited before the invocation ends since Lambda freezes after. One object
 * an event, with `waitUntil` on the prototype: core calls it as a method.
 */
export class Invocation implements Platform {
  readonly name = "lambda";
  readonly env = process.env;
  readonly requestId: string | undefined;
  readonly deadline: number | undefined;
  #work: Promise<unknown>[] | undefined;

  constructor(context: LambdaContext | undefined, safetyMargin: number | undefined) {
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

  get waiting(): boolean {
    return this.#work !== undefined && this.#work.length > 0;
  }

  async settle(): Promise<void> {
    // Work may add more work while it runs.
    while (this.#work !== undefined && this.#work.length > 0) {
      const batch = this.#work;
      this.#work = [];
      await Promise.allSettled(batch);
    }
  }
}

/** Runs one event through core. */
export function run(app: Prepared, kind: EventKind, event: unknown, settings: Settings, platform: Platform): Promise<Outgoing> {
  return handle(app, incomingOf(kind, event as Fields, settings), platform);
}

/** The id an answer made outside core carries: the awsRequestId when it is safe to echo, as core would pick it. */
export function answerId(invocation: Invocation): string {
  return requestIdOf({}, invocation.requestId);
}

/**
 * The answer when an invocation fails outside core's pipeline, which answers every failure of a
 * job itself: the reader's 400 for a malformed event (one WARNING line, nothing of the event),
 * else core's last resort.
 */
export function failureAnswer(sink: LogSink, error: unknown, requestId: string): Outgoing {
  if (isMalformedEvent(error)) {
    sink({ severity: "WARNING", message: `answered 400 to a malformed event: ${error.detail}`, status: 400, requestId, platform: "lambda" });
  }
  return lastResort(error, sink, requestId);
}

function isMalformedEvent(error: unknown): error is MalformedEvent {
  try {
    return error instanceof MalformedEvent;
  } catch {
    // A Proxy whose prototype cannot be read: not the reader's.
    return false;
  }
}
