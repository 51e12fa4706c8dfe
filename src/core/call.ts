/**
 * One request's context as its job sees it (`ctx`), and the deadline that bounds the job, the
 * reading of its request and its stream body.
 */
import { clientIpOf } from "./client-ip.js";
import { unwatch, watch, type Watched } from "./deadlines.js";
import { isHttpError, type HttpError } from "./http-error.js";
import { logger } from "./log.js";
import { DeadlineExceeded, serverFault } from "./problems.js";
import type { Context, Identity, LogSink, Logger, Platform } from "./types.js";

/** One request's context, and the deadline that bounds its job. */
export class Call implements Context<never> {
  readonly platform: string;
  readonly env: never;
  readonly requestId: string;
  deadline: number | undefined;
  #sink: LogSink;
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
  #waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  #started: number;
  /** Proxies in front of the platform whose `X-Forwarded-For` entries count: the job's, else the app's. */
  trustedProxies = 0;

  constructor(sink: LogSink, platform: Platform, requestId: string, started: number) {
    this.#sink = sink;
    this.#platform = platform;
    this.platform = platform.name;
    this.env = platform.env as never;
    this.requestId = requestId;
    this.deadline = platform.deadline;
    this.#started = started;
  }

  get sink(): LogSink {
    return this.#sink;
  }

  get log(): Logger {
    return (this.#log ??= logger(this.#sink, { ...this.#platform.logFields, requestId: this.requestId }));
  }

  get clientIp(): string | undefined {
    return clientIpOf(this.#platform.peer?.(), this.trustedProxies);
  }

  get identity(): Identity | undefined {
    return this.#platform.identity?.();
  }

  get raw(): unknown {
    return this.#platform.raw;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      const controller = (this.#controller = new AbortController());
      if (this.#expired) controller.abort(this.#expired);
      const outer = this.#platform.signal;
      this.#platform.onGone?.((reason) => controller.abort(reason));
      if (outer) {
        if (outer.aborted) controller.abort(outer.reason);
        else outer.addEventListener("abort", () => controller.abort(outer.reason), { once: true });
      }
    }
    return this.#controller.signal;
  }

  /** Made when a job first reads it (most never do), bound so that it may be called detached. */
  get waitUntil(): (promise: Promise<unknown>) => void {
    return (this.#waitUntil ??= (promise) => {
      const guarded = Promise.resolve(promise).catch((error: unknown) => {
        this.log.error("waitUntil work failed", { error });
      });
      if (this.#platform.waitUntil) this.#platform.waitUntil(guarded);
    });
  }

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
      watching: false,
      expire: () => {
        if (this.#work) this.#logLateFailure(this.#work);
        this.#expired = new DeadlineExceeded(budget);
        this.#controller?.abort(this.#expired);
        this.#reject?.(this.#expired);
        this.#cut?.(this.#expired);
      },
    };
    watch(this.#watched, this.#platform.ownTimers === true ? "own" : this.#platform.afterTurn);
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
