/** One invocation: the event to `Incoming`, and Lambda's context to core's `Platform`. */
import { handle, type AppOptions, type Prepared } from "../../core/handle.js";
import type { Incoming, Outgoing, Platform } from "../../core/types.js";
import { incomingAlb } from "./alb.js";
import { kindOf, type AlbEvent, type ApiGatewayV1Event, type ApiGatewayV2Event, type EventKind, type LambdaContext } from "./events.js";
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

export function incomingOf(kind: EventKind, event: unknown, settings: Settings): Incoming {
  if (kind === "v2") return incomingV2(event as ApiGatewayV2Event, settings);
  if (kind === "v1") return incomingV1(event as ApiGatewayV1Event, settings);
  return incomingAlb(event as AlbEvent, settings);
}

export function eventKind(event: unknown): EventKind {
  const kind = kindOf(event);
  if (kind === undefined) {
    throw new TypeError(
      "jobwrap/lambda: the event is not an HTTP request from API Gateway (REST or HTTP API), an Application Load Balancer or a Function URL",
    );
  }
  return kind;
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
  return handle(app, incomingOf(kind, event, settings), platform);
}
