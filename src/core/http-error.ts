import { statusText } from "./status.js";

/** A JSON pointer into the request parts (`/body/name`) and what is wrong there. */
export interface FieldError {
  pointer: string;
  detail: string;
}

export interface HttpErrorOptions {
  /** A URI naming the problem type; `about:blank` when the status says it all. */
  type?: string;
  /** Short summary; defaults to the status phrase. */
  title?: string;
  /** Headers to send with the problem (`allow`, `retry-after`, `www-authenticate`). */
  headers?: Record<string, string>;
  /** Field errors, for a 400. */
  errors?: FieldError[];
  /** Further members of the problem document (RFC 9457 extension members). */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/** Throw it from a job or an extractor to answer `status` with an RFC 9457 problem. A 4xx one has no stack trace: it is an answer, not a fault. */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly options: HttpErrorOptions;

  constructor(status: number, detail?: string, options: HttpErrorOptions = {}) {
    // A 4xx is an answer, not a fault: no stack is captured for it (a few µs each, which a flood
    // of bad requests would pay). A 5xx keeps its stack for the ERROR line that logs it.
    // V8's own setting (Node, Workers): not in every runtime's types, so reached through a view of Error.
    const v8 = Error as { stackTraceLimit?: number };
    const frames = v8.stackTraceLimit;
    if (status < 500) v8.stackTraceLimit = 0;
    try {
      super(detail ?? statusText(status), options.cause === undefined ? undefined : { cause: options.cause });
    } finally {
      v8.stackTraceLimit = frames;
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be 400 to 599, got ${status}`);
    }
    this.name = "HttpError";
    this.status = status;
    this.detail = detail;
    this.options = options;
  }
}

/** Never throws, not even for a thrown Proxy whose prototype cannot be read. */
export function isHttpError(value: unknown): value is HttpError {
  try {
    return value instanceof HttpError;
  } catch {
    return false;
  }
}
