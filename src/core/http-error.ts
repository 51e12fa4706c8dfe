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

/** Throw it from a job or an extractor to answer `status` with an RFC 9457 problem. */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly options: HttpErrorOptions;

  constructor(status: number, detail?: string, options: HttpErrorOptions = {}) {
    super(detail ?? statusText(status), options.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be 400 to 599, got ${status}`);
    }
    this.name = "HttpError";
    this.status = status;
    this.detail = detail;
    this.options = options;
  }
}

/** The 500 of any failure that is not an HttpError: it says nothing of the failure, only how to quote it. */
export function serverFault(requestId: string): HttpError {
  return new HttpError(500, `Something went wrong on our side. Quote request id ${requestId} when reporting it.`);
}

/** Never throws, not even for a thrown Proxy whose prototype cannot be read. */
export function isHttpError(value: unknown): value is HttpError {
  try {
    return value instanceof HttpError;
  } catch {
    return false;
  }
}

const phrases: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  507: "Insufficient Storage",
  511: "Network Authentication Required",
};

/** The reason phrase of an error status, or a generic one. */
export function statusText(status: number): string {
  return phrases[status] ?? (status < 500 ? "Client Error" : "Server Error");
}

/** The RFC 9457 document for an HttpError. */
export function problemOf(error: HttpError, instance?: string, requestId?: string): Record<string, unknown> {
  const { type = "about:blank", title = statusText(error.status), errors, extensions } = error.options;
  const doc: Record<string, unknown> = { ...extensions, type, title, status: error.status };
  if (error.detail !== undefined) doc.detail = error.detail;
  if (instance !== undefined) doc.instance = instance;
  if (errors) doc.errors = errors;
  if (requestId !== undefined) doc.requestId = requestId;
  return doc;
}
