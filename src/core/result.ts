import type { JobResult } from "./job.js";
import type { Outgoing, OutgoingBody } from "./types.js";

const unsafeHeaderValue = /[\r\n\0]/;
/**
 * Headers a job or an HttpError may not set: the message's framing is the adapter's to write from
 * the body it sends (a job's own could disagree with it: response splitting), and the request id
 * is core's, sent once.
 */
export const reservedHeaders = new Set(["content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "x-request-id"]);
const headerName = /^[!#$%&'*+.^_`|~\w-]+$/;

/** Appends a header a job or an HttpError gave, refusing what would split the response. */
export function pushHeader(headers: [string, string][], name: string, value: string | number): void {
  const text = String(value);
  if (!headerName.test(name) || unsafeHeaderValue.test(text)) {
    throw new TypeError(`invalid response header ${JSON.stringify(name)}`);
  }
  headers.push([name.toLowerCase(), text]);
}

/** Adds `token` to the answer's `Vary`, as one header line: the answer depends on that request header. */
export function addVary(headers: [string, string][], token: string): void {
  const at = headers.findIndex(([name]) => name === "vary");
  if (at < 0) headers.push(["vary", token]);
  else if (!headers[at]![1].toLowerCase().split(/\s*,\s*/).includes(token.toLowerCase())) headers[at]![1] += `, ${token}`;
}

export function isStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof body === "object" && body !== null && typeof (body as ReadableStream).getReader === "function";
}

/** Maps a job's result to the response: JSON for objects, text for strings, bytes, streams. */
export function resultToOutgoing(result: JobResult | undefined | void): Outgoing {
  if (result === undefined) return { status: 204, headers: [], body: null };
  if (typeof result !== "object" || result === null) throw new TypeError("a job must return { status?, body?, headers? }");
  const headers: [string, string][] = [];
  let hasType = false;
  if (result.headers) {
    for (const name of Object.keys(result.headers)) {
      const value = result.headers[name]!;
      if (reservedHeaders.has(name.toLowerCase())) continue;
      if (typeof value === "object") for (const item of value) pushHeader(headers, name, item);
      else pushHeader(headers, name, value);
      if (name.toLowerCase() === "content-type") hasType = true;
    }
  }
  const { body } = result;
  let out: OutgoingBody;
  let type: string;
  if (body === undefined) {
    out = null;
    type = "";
  } else if (typeof body === "string") {
    out = body;
    type = "text/plain; charset=utf-8";
  } else if (body instanceof Uint8Array) {
    out = body;
    type = "application/octet-stream";
  } else if (body instanceof ArrayBuffer) {
    out = new Uint8Array(body);
    type = "application/octet-stream";
  } else if (isStream(body)) {
    out = body;
    type = "application/octet-stream";
  } else {
    const json: string | undefined = JSON.stringify(body);
    // A function or a symbol encodes to nothing: a job bug, answered 500 here rather than by
    // an adapter that finds no body it can write.
    if (json === undefined) throw new TypeError(`a job's body must be JSON, text, bytes or a stream, not a ${typeof body}`);
    out = json;
    type = "application/json";
  }
  const status = result.status ?? (out === null ? 204 : 200);
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new TypeError(`invalid status ${status}`);
  if (out !== null && (status === 204 || status === 304)) throw new TypeError(`a ${status} response has no body`);
  if (type && !hasType) headers.push(["content-type", type]);
  return { status, headers, body: out };
}

/** UTF-8 length of a response body, for `content-length`; undefined for a stream. */
export function byteLength(body: OutgoingBody): number | undefined {
  if (body === null) return 0;
  if (typeof body === "string") return encoder.encode(body).length;
  if (body instanceof Uint8Array) return body.length;
  return undefined;
}

const encoder = new TextEncoder();
