import { isHttpError, type HttpError } from "./http-error.js";
import { unwatch, watch, type Watched } from "./deadlines.js";
import { consoleSink, guardedSink, logger, silentSink } from "./log.js";
import { checkPath } from "./parts.js";
import { extractAndRun, planJob, type Plan } from "./extract.js";
import type { AnyJob } from "./job.js";
import { requestIdOf } from "./request-id.js";
import { DeadlineExceeded, faultToOutgoing, noRoute, problemToOutgoing, serverFault, wrongMethod } from "./problems.js";
import { byteLength, isStream, resultToOutgoing } from "./result.js";
import { matcher, type App, type Matcher } from "./routes.js";
import type { Context, Incoming, LogSink, Logger, Outgoing, Platform } from "./types.js";

export interface AppOptions {
  /** Largest request body in bytes, unless a job sets its own. Default 1 MiB. */
  bodyLimit?: number;
  /** Milliseconds a job may run before it answers 504, unless a job sets its own. */
  timeout?: number;
  /** Where log lines go: one JSON line per request by default; `false` for none. */
  log?: LogSink | false;
}

export const defaultBodyLimit = 1024 * 1024;

/** An app made ready to answer: routes compiled once, options settled, each job's plan made on its first request. */
export interface Prepared {
  match: Matcher;
  /** The app's body limit, for adapters that refuse a body before any job is known. */
  bodyLimit: number;
  /** The app's timeout, for the OpenAPI document's 504. */
  timeout: number | undefined;
  sink: LogSink;
  plan(job: AnyJob): Plan;
}

export function prepare(app: App, options: AppOptions = {}): Prepared {
  const defaults = { bodyLimit: options.bodyLimit ?? defaultBodyLimit, timeout: options.timeout };
  const plans = new WeakMap<AnyJob, Plan>();
  return {
    match: matcher(app),
    ...defaults,
    sink: options.log === false ? silentSink : guardedSink(options.log ?? consoleSink),
    plan: (job) => {
      let plan = plans.get(job);
      if (!plan) plans.set(job, (plan = planJob(job, defaults)));
      return plan;
    },
  };
}

/** The one pipeline: match, extract and validate, run, and map the outcome to a response. */
export async function handle(app: Prepared, incoming: Incoming, platform: Platform): Promise<Outgoing> {
  const started = Date.now();
  const requestId = requestIdOf(incoming.headers, platform.requestId);
  const call = new Call(app, platform, requestId, started);
  let out: Outgoing;
  let streaming = false;
  try {
    checkPath(incoming.path);
    const found = app.match(incoming.method, incoming.path);
    if (found.kind === "no-route") throw noRoute(incoming.method, incoming.path);
    if (found.kind === "wrong-method") throw wrongMethod(incoming.method, found.allow);
    const plan = app.plan(found.job);
    call.arm(plan.timeout);
    // The deadline bounds the reading of the request too: an extractor's lookup or a slow
    // upload that outlives it answers 504 like a slow job, rather than holding the request.
    out = resultToOutgoing(await call.race(extractAndRun(plan, found.params, incoming, call)));
    if (isStream(out.body) && incoming.method !== "HEAD") {
      out.body = await call.streamBody(out.body);
      // The deadline now bounds the rest of the stream; the stream disarms it when it ends.
      streaming = isStream(out.body);
    }
  } catch (error) {
    out = answerFailure(call, error);
  } finally {
    if (!streaming) call.disarm();
  }
  if (incoming.method === "HEAD" && out.body !== null) {
    const length = byteLength(out.body);
    if (typeof out.body === "object" && "cancel" in out.body) void out.body.cancel();
    out.body = null;
    if (length !== undefined) out.headers.push(["content-length", String(length)]);
  }
  out.headers.push(["x-request-id", requestId]);
  // With the log off, the line is not even built: it is a good part of a small request's cost.
  if (app.sink !== silentSink) {
    app.sink({
      ...platform.logFields,
      severity: out.status >= 500 ? "ERROR" : "INFO",
      message: `${incoming.method} ${incoming.path} ${out.status}`,
      method: incoming.method,
      path: incoming.path,
      status: out.status,
      durationMs: Date.now() - started,
      requestId,
      platform: platform.name,
    });
  }
  return out;
}


/** The problem for a failure; if even that cannot be made (an HttpError with an unsafe header), the last resort's 500. */
function answerFailure(call: Call, error: unknown): Outgoing {
  try {
    return problemToOutgoing(call.toHttpError(error), call.requestId);
  } catch (unanswerable) {
    return faultToOutgoing(unanswerable, call.sink, call.requestId);
  }
}

/** One request's context, and the deadline that bounds its job. */
class Call implements Context<never> {
  readonly platform: string;
  readonly env: never;
  readonly requestId: string;
  deadline: number | undefined;
  #app: Prepared;
  #platform: Platform;
  #controller: AbortController | undefined;
  #watched: Watched | undefined;
  /** The job's promise, while it races the deadline. */
  #work: Promise<unknown> | undefined;
  #expired: DeadlineExceeded | undefined;
  #reject: ((error: unknown) => void) | undefined;
  /** Errors the response's stream, once its status has gone out, when the deadline passes. */
  #cut: ((reason: DeadlineExceeded) => void) | undefined;
  #log: Logger | undefined;
  #started: number;

  constructor(app: Prepared, platform: Platform, requestId: string, started: number) {
    this.#app = app;
    this.#platform = platform;
    this.platform = platform.name;
    this.env = platform.env as never;
    this.requestId = requestId;
    this.deadline = platform.deadline;
    this.#started = started;
  }

  get sink(): LogSink {
    return this.#app.sink;
  }

  get log(): Logger {
    return (this.#log ??= logger(this.#app.sink, { ...this.#platform.logFields, requestId: this.requestId }));
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      const controller = (this.#controller = new AbortController());
      if (this.#expired) controller.abort(this.#expired);
      const outer = this.#platform.signal;
      if (outer) {
        if (outer.aborted) controller.abort(outer.reason);
        else outer.addEventListener("abort", () => controller.abort(outer.reason), { once: true });
      }
    }
    return this.#controller.signal;
  }

  waitUntil = (promise: Promise<unknown>): void => {
    const guarded = Promise.resolve(promise).catch((error: unknown) => {
      this.log.error("waitUntil work failed", { error });
    });
    if (this.#platform.waitUntil) this.#platform.waitUntil(guarded);
  };

  /** Starts the clock: the earlier of the platform's deadline and the job's timeout. */
  arm(timeout: number | undefined): void {
    if (timeout !== undefined) {
      const own = this.#started + timeout;
      this.deadline = this.deadline === undefined ? own : Math.min(this.deadline, own);
    }
    if (this.deadline === undefined) return;
    // A platform's deadline may have passed before the request reached core.
    const budget = Math.max(0, this.deadline - this.#started);
    this.#watched = {
      at: this.deadline,
      expire: () => {
        if (this.#work) this.#logLateFailure(this.#work);
        this.#expired = new DeadlineExceeded(budget);
        this.#controller?.abort(this.#expired);
        this.#reject?.(this.#expired);
        this.#cut?.(this.#expired);
      },
    };
    watch(this.#watched, this.#platform.ownTimers === true);
  }

  disarm(): void {
    if (this.#watched !== undefined) unwatch(this.#watched);
  }

  /** The job's outcome, or a 504 if the deadline comes first. */
  race<T>(work: T | Promise<T>): Promise<T> | T {
    if (this.#watched === undefined || !(work instanceof Promise)) return work;
    if (this.#expired) {
      this.#logLateFailure(work);
      return Promise.reject(this.#expired);
    }
    this.#work = work;
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      work.then(resolve, reject);
    });
  }

  /** Work past its deadline may still settle later; its failure is logged, never left unhandled (on Node that ends the process). */
  #logLateFailure(work: Promise<unknown>): void {
    work.catch((error: unknown) => this.log.warn("job failed after its deadline", { error }));
  }

  /** Any throw as an HttpError: unknown ones become a 500 with nothing of the error in it. */
  toHttpError(error: unknown): HttpError {
    if (isHttpError(error)) {
      if (error.status >= 500 && !(error instanceof DeadlineExceeded)) {
        this.log.error("job answered a server error", { status: error.status, error });
      }
      return error;
    }
    this.log.error("job failed", { error });
    return serverFault(this.requestId);
  }

  /**
   * A job's stream body as every adapter gets it: its first chunk read before the status goes
   * out, so a stream that fails at once answers a problem like any failed job; its chunks bytes
   * (strings as UTF-8); the rest bounded by the deadline, past which the source is cancelled
   * and the stream errors (a cut connection, or a 504 where the adapter has sent nothing yet).
   */
  async streamBody(source: ReadableStream<unknown>): Promise<ReadableStream<Uint8Array> | Uint8Array> {
    const reader = source.getReader();
    const stop = (reason: unknown) => void reader.cancel(reason).catch(() => {});
    let head: Uint8Array;
    try {
      const first = await this.race(reader.read());
      if (first.done) return new Uint8Array(0);
      head = bytesOf(first.value);
    } catch (error) {
      stop(error);
      throw error;
    }
    let ended = false;
    const end = () => {
      ended = true;
      this.disarm();
    };
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          controller.enqueue(head);
          this.#cut = (reason) => {
            if (ended) return;
            end();
            this.log.warn("the response stream was cut at its deadline");
            controller.error(reason);
            stop(reason);
          };
        },
        pull: async (controller) => {
          try {
            const { done, value } = await reader.read();
            if (ended) return;
            if (done) {
              end();
              controller.close();
            } else controller.enqueue(bytesOf(value));
          } catch (error) {
            if (ended) return;
            end();
            this.log.error("the job's stream body failed", { error });
            controller.error(serverFault(this.requestId));
            stop(error);
          }
        },
        cancel: (reason) => {
          end();
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
  }
}

const encoder = new TextEncoder();

function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === "string") return encoder.encode(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  throw new TypeError(`a stream body yields bytes or strings, not ${chunk === null ? "null" : typeof chunk}`);
}
