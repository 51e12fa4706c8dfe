/**
 * Core in process, with no adapter: a hand-made `Incoming` goes through
 * `handle(prepare(app, options), incoming, platform)`, and the `Outgoing` it answers is read
 * the way a client would see it. Every log line is kept for the test to read.
 */
import { expect } from "vitest";
import {
  handle,
  prepare,
  tooLarge,
  type App,
  type AppOptions,
  type Incoming,
  type LogEntry,
  type Outgoing,
  type Platform,
} from "../../src/index.js";

export interface Sent {
  /** Default GET. */
  method?: string;
  /** Default `/`. */
  path?: string;
  /** Raw, still percent-encoded, without the `?`. */
  query?: string;
  /** Lower-case names, as adapters hand them to core. */
  headers?: Record<string, string>;
  /** Bytes, or a string as a platform that decoded it from UTF-8 hands it (Lambda). None: no body at all. */
  body?: Uint8Array | string;
}

export interface Answer {
  status: number;
  /** Every header in the order core gave them. */
  headers: [string, string][];
  /** The body as core handed it to the adapter, streams read whole. */
  body: string | Uint8Array | null;
  /** The body's bytes (UTF-8 for text); empty for none. */
  bytes: Uint8Array;
  /** The body as UTF-8 text. */
  text: string;
  /** Every value of a header, by lower-case name. */
  all(name: string): string[];
  /** The one value of a header, or undefined; fails the test if the header repeats. */
  header(name: string): string | undefined;
  json(): unknown;
}

export const testPlatform: Platform = { name: "test", env: {} };

const encoder = new TextEncoder();

/** A body reader as adapters make them: refuses past the limit, else the body as given. */
export function reader(body: Uint8Array | string): NonNullable<Incoming["body"]> {
  return async (limit) => {
    const size = typeof body === "string" ? encoder.encode(body).length : body.length;
    if (size > limit) throw tooLarge(limit);
    return body;
  };
}

export function incoming(sent: Sent = {}): Incoming {
  return {
    method: sent.method ?? "GET",
    path: sent.path ?? "/",
    query: sent.query ?? "",
    headers: sent.headers ?? {},
    ...(sent.body === undefined ? {} : { body: reader(sent.body) }),
  };
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const r = stream.getReader();
  for (;;) {
    const { done, value } = await r.read();
    if (done) break;
    chunks.push(value);
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

export async function read(out: Outgoing): Promise<Answer> {
  let body: string | Uint8Array | null;
  if (out.body === null || typeof out.body === "string" || out.body instanceof Uint8Array) body = out.body;
  else body = await readStream(out.body);
  const bytes = body === null ? new Uint8Array(0) : typeof body === "string" ? encoder.encode(body) : body;
  const text = new TextDecoder().decode(bytes);
  const all = (name: string) => out.headers.filter(([n]) => n === name).map(([, value]) => value);
  return {
    status: out.status,
    headers: out.headers,
    body,
    bytes,
    text,
    all,
    header(name) {
      const values = all(name);
      expect(values.length, `header ${name} sent ${values.length} times: ${JSON.stringify(values)}`).toBeLessThanOrEqual(1);
      return values[0];
    },
    json: () => JSON.parse(text) as unknown,
  };
}

/** An app prepared once, its log lines kept in `lines`. */
export function serve(app: App, options: AppOptions = {}) {
  const lines: LogEntry[] = [];
  const prepared = prepare(app, { log: (entry) => lines.push(entry), ...options });
  return {
    lines,
    prepared,
    /** The answer as sent, streams read whole. */
    async send(sent: Sent = {}, platform: Partial<Platform> = {}): Promise<Answer> {
      return read(await handle(prepared, incoming(sent), { ...testPlatform, ...platform }));
    },
    /** The raw `Outgoing`, its stream body left unread. */
    outgoing(sent: Sent = {}, platform: Partial<Platform> = {}): Promise<Outgoing> {
      return handle(prepared, incoming(sent), { ...testPlatform, ...platform });
    },
  };
}

export interface ExpectedProblem {
  status: number;
  title: string;
  detail?: string;
  errors?: { pointer: string; detail?: string }[];
}

/**
 * An RFC 9457 problem, exactly: its content type, the members `type`, `title`, `status`,
 * `detail`, `requestId` (the `x-request-id` sent with it) and `errors` when expected, nothing else.
 * Returns the document.
 */
export function expectProblem(answer: Answer, expected: ExpectedProblem): Record<string, unknown> {
  expect(answer.status).toBe(expected.status);
  expect(answer.header("content-type")).toBe("application/problem+json");
  const doc = answer.json() as Record<string, unknown>;
  const members = ["type", "title", "status", "requestId"];
  if (doc.detail !== undefined || expected.detail !== undefined) members.push("detail");
  if (expected.errors) members.push("errors");
  expect(Object.keys(doc).sort()).toEqual(members.sort());
  expect(doc.type).toBe("about:blank");
  expect(doc.title).toBe(expected.title);
  expect(doc.status).toBe(expected.status);
  expect(doc.requestId).toBe(answer.header("x-request-id"));
  if (expected.detail !== undefined) expect(doc.detail).toBe(expected.detail);
  if (expected.errors) {
    const errors = doc.errors as { pointer: string; detail: string }[];
    expect(errors.map((e) => e.pointer)).toEqual(expected.errors.map((e) => e.pointer));
    expected.errors.forEach((e, i) => {
      if (e.detail !== undefined) expect(errors[i]!.detail).toBe(e.detail);
    });
  }
  return doc;
}

/** The log line with that message; fails the test if there is none. */
export function lineOf(lines: LogEntry[], message: string): LogEntry {
  const line = lines.find((entry) => entry.message === message);
  expect(line, `a log line "${message}" in ${JSON.stringify(lines.map((l) => l.message))}`).toBeDefined();
  return line!;
}

/** A 500 problem, and the job's failure logged at ERROR with the request id: a TypeError saying `message`. */
export function expectJobFailure(answer: Answer, lines: LogEntry[], message: string): void {
  expectProblem(answer, { status: 500, title: "Internal Server Error" });
  const line = lineOf(lines, "job failed");
  expect(line.severity).toBe("ERROR");
  expect(line.requestId).toBe(answer.header("x-request-id"));
  expect(line.error).toBeInstanceOf(TypeError);
  expect((line.error as Error).message).toBe(message);
}

/** The UTF-8 bytes of a text, for bodies sent as bytes. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);
