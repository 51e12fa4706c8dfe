/**
 * The catalogue of what core answers by itself: every built-in problem with its status and
 * detail, the RFC 9457 document and response for any HttpError, and the last resort every
 * adapter answers when a response cannot be made.
 */
import { HttpError, isHttpError, type FieldError } from "./http-error.js";
import { pushHeader, reservedHeaders } from "./result.js";
import { statusText } from "./status.js";
import type { LogSink, Outgoing } from "./types.js";

export const problemMediaType = "application/problem+json";

// The built-in problems, in the order a request meets them.

export function noRoute(method: string, path: string): HttpError {
  return new HttpError(404, `No route for ${method} ${path}`);
}

export function wrongMethod(method: string, allow: string): HttpError {
  return new HttpError(405, `${method} is not allowed here; try ${allow}`, { headers: { allow } });
}

/** A CORS preflight from an origin the app does not allow. */
export function originRefused(): HttpError {
  return new HttpError(403, "This origin may not call the service");
}

/** `part`: path, params, query or body. */
export function badEncoding(part: string): HttpError {
  return new HttpError(400, `The ${part} has malformed percent-encoding`, {
    errors: [{ pointer: `/${part}`, detail: "malformed percent-encoding" }],
  });
}

export function unreadablePart(name: string): HttpError {
  return new HttpError(400, `The request's ${name} could not be read`, {
    errors: [{ pointer: `/${name}`, detail: `could not read ${name}` }],
  });
}

export function tooLarge(limit: number): HttpError {
  return new HttpError(413, `The body is larger than the limit of ${limit} bytes`);
}

/** A multipart body's file over its `fileSize`. */
export function fileTooLarge(limit: number): HttpError {
  return new HttpError(413, `A file is larger than the limit of ${limit} bytes`);
}

/** A multipart body with more files or parts than `multipart()` allows; `what`: "file" or "part". */
export function tooManyParts(what: "file" | "part", most: number): HttpError {
  return new HttpError(413, `The body has more than ${most} ${what}${most === 1 ? "" : "s"}`);
}

export function malformedMultipart(detail: string): HttpError {
  return new HttpError(400, `The body is not valid multipart/form-data: ${detail}`, {
    errors: [{ pointer: "/body", detail: "malformed multipart/form-data" }],
  });
}

/** The client stopped sending the body mid-way: its doing, so a 400, never a 500. */
export function cutShort(): HttpError {
  return new HttpError(400, "The request body was cut short");
}

/** `expected`: what the job reads, named for people; `acceptPost`: the same as media types. */
export function unsupportedMediaType(mediaType: string | undefined, expected: string, acceptPost: string): HttpError {
  const given = mediaType ? `a body of type ${mediaType}` : "a body with no content-type";
  return new HttpError(415, `This endpoint reads ${expected}, not ${given}`, { headers: { "accept-post": acceptPost } });
}

export function unsupportedCharset(charset: string): HttpError {
  return new HttpError(415, `The charset ${JSON.stringify(charset)} is not supported`);
}

export function invalidText(charset: string): HttpError {
  return new HttpError(400, `The body is not valid ${charset}`, { errors: [{ pointer: "/body", detail: `invalid ${charset}` }] });
}

export function malformedJson(): HttpError {
  return new HttpError(400, "The body is not valid JSON", { errors: [{ pointer: "/body", detail: "malformed JSON" }] });
}

export function nestedTooDeep(levels: number): HttpError {
  return new HttpError(400, `The body is nested deeper than ${levels} levels`, {
    errors: [{ pointer: "/body", detail: `nested deeper than ${levels} levels` }],
  });
}

export function forbiddenKey(pointer: string): HttpError {
  return new HttpError(400, "The body has a forbidden key", {
    errors: [{ pointer, detail: "forbidden key: it could reach an object's prototype" }],
  });
}

/** A job reads the caller's verified claims, and no platform verified any. */
export function noIdentity(): HttpError {
  return new HttpError(401, "The request carries no caller identity verified by the platform");
}

/** Verified claims a job requires are missing (401) or hold what it refuses (403), each at its pointer. */
export function claimsRefused(status: 401 | 403, errors: FieldError[]): HttpError {
  const what = status === 401 ? "lack a claim this endpoint requires" : "do not allow this request";
  return new HttpError(status, `The caller's verified claims ${what}`, { errors });
}

export function missingScopes(scopes: readonly string[]): HttpError {
  return new HttpError(403, `The caller's token lacks the scope${scopes.length > 1 ? "s" : ""} ${scopes.join(", ")}`);
}

/** What the schemas refused, each issue at its pointer. */
export function invalidRequest(errors: FieldError[]): HttpError {
  return new HttpError(400, `The request is invalid: ${errors.length} problem${errors.length > 1 ? "s" : ""}`, { errors });
}

/** The job, the reading of its request or its stream outlived its deadline. */
export class DeadlineExceeded extends HttpError {
  constructor(budget: number) {
    super(504, `The job did not answer within its deadline of ${budget} ms`);
  }
}

/**
 * What a job throws when the backend it calls fails (refused, closed, overloaded, timed out): a
 * 503 with `Retry-After`, so clients and load balancers try again rather than give up. The
 * backend's own error is the `cause`: logged with the request id, never in the body.
 */
export function backendUnavailable(cause?: unknown, retryAfterSeconds = 1): HttpError {
  return new HttpError(503, "A service this endpoint depends on is unavailable; try again shortly", {
    headers: { "retry-after": String(retryAfterSeconds) },
    cause,
  });
}

/** The 500 of any failure that is not an HttpError: it says nothing of the failure, only how to quote it. */
export function serverFault(requestId: string): HttpError {
  return new HttpError(500, `Something went wrong on our side. Quote request id ${requestId} when reporting it.`);
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

/** The RFC 9457 `application/problem+json` response for an HttpError. */
export function problemToOutgoing(error: HttpError, requestId?: string): Outgoing {
  const headers: [string, string][] = [];
  const extra = error.options.headers;
  if (extra) {
    for (const name of Object.keys(extra)) {
      const lower = name.toLowerCase();
      // A problem is problem+json, whatever the error's headers say.
      if (!reservedHeaders.has(lower) && lower !== "content-type") pushHeader(headers, name, extra[name]!);
    }
  }
  headers.push(["content-type", problemMediaType]);
  return {
    status: error.status,
    headers,
    body: JSON.stringify(problemOf(error, undefined, requestId)),
  };
}

/**
 * The answer when a response could not be made or sent whole: an HttpError's own problem (core
 * made and logged it: a stream cut at its deadline is a 504), else a 500 that says nothing of
 * the failure, which is logged.
 */
export function faultToOutgoing(error: unknown, sink: LogSink, requestId: string): Outgoing {
  if (isHttpError(error)) return problemToOutgoing(error, requestId);
  sink({ severity: "ERROR", message: "jobwrap failed to answer", requestId, error });
  return problemToOutgoing(serverFault(requestId), requestId);
}

/**
 * What every adapter answers when handle() or its own work failed (a bug, a stream that failed
 * while it was read whole): `faultToOutgoing`, with the request id header core adds to every
 * other answer, the id made here if the adapter never learnt it.
 */
export function lastResort(error: unknown, sink: LogSink, requestId: string = crypto.randomUUID()): Outgoing {
  return withRequestId(faultToOutgoing(error, sink, requestId), requestId);
}

/** The request id an answer carries (core adds it to every one): a last resort that replaces the answer keeps it. */
export function requestIdIn(out: Outgoing | undefined): string | undefined {
  return out?.headers.find(([name]) => name === "x-request-id")?.[1];
}

/** An HttpError's problem answered outside the pipeline (a refusal before it), with the request id header core adds to every answer. */
export function problemAnswer(error: HttpError, requestId: string): Outgoing {
  return withRequestId(problemToOutgoing(error, requestId), requestId);
}

function withRequestId(out: Outgoing, requestId: string): Outgoing {
  out.headers.push(["x-request-id", requestId]);
  return out;
}

