/**
 * Core's pipeline on `node:http`'s own request and response, for the two adapters that run
 * there: the Node server and Google Cloud Functions, whose framework is Express on node:http.
 * Requests are read and responses written natively, with no WHATWG objects on the hot path.
 * Private to those adapters: no package export.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { Readable } from "node:stream";
import { lastForwarded } from "../core/client-ip.js";
import { addCors, type Prepared } from "../core/handle.js";
import { cutShort, lastResort, requestIdIn, tooLarge } from "../core/problems.js";
import type { BodyReader, Context, Incoming, Outgoing, OutgoingBody, Peer, Platform } from "../core/types.js";
import { answerAndClose, isRefused, wireAnswer } from "./node-socket-answer.js";

/** The request as core reads it; by default the body is read from the request's stream. */
export function incomingOf(req: IncomingMessage, body: BodyReader = (limit) => readLimited(req, limit)): Incoming {
  let url = req.url ?? "/";
  if (url[0] !== "/" && URL.canParse(url)) {
    // The absolute form (`GET http://host/path`), as sent to proxies.
    const absolute = new URL(url);
    url = absolute.pathname + absolute.search;
  }
  const mark = url.indexOf("?");
  return {
    method: req.method ?? "GET",
    path: mark < 0 ? url : url.slice(0, mark),
    query: mark < 0 ? "" : url.slice(mark + 1),
    headers: req.headers as Record<string, string | undefined>,
    body,
  };
}

/** A request target's path, its query left off: with no array made for it, as this runs for every request. */
export function pathOf(url: string): string {
  const mark = url.indexOf("?");
  return mark < 0 ? url : url.slice(0, mark);
}

/** Reads the body, refusing it with 413 as soon as it passes `limit`: never held whole. */
export function readLimited(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Past the limit: read no further. The 413 closes the connection without reading the rest
      // (send); resuming here would read all the client sends, however much that is.
      req.off("data", onData);
      req.pause();
      chunks.length = 0;
      reject(tooLarge(limit));
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    // The client went away mid-body: its doing, not a failed job, so a 400 (logged as such)
    // rather than a 500 with an ERROR line for every dropped upload.
    req.once("error", () => reject(cutShort()));
  });
}

/**
 * Whether answering now leaves a body unread that Node would then read to its end only to
 * discard it, keeping the connection: a refused one (413, 417), one of unknown length, or one
 * declared longer than `unreadLimit`.
 */
function leavesBodyUnread(req: IncomingMessage, status: number, unreadLimit: number): boolean {
  if (req.complete) return false;
  if (status === 413 || status === 417) return true;
  const declared = req.headers["content-length"];
  return declared === undefined ? req.headers["transfer-encoding"] !== undefined : Number(declared) > unreadLimit;
}

/** A body held whole, written at once; the rest are streams, written as they come. */
function isWhole(body: OutgoingBody): body is string | Uint8Array | null {
  return body === null || typeof body === "string" || body instanceof Uint8Array;
}

/**
 * Writes the answer on the socket and closes the connection with the body unread.
 * False when this response is not the one the socket is writing (it waits behind a pipelined
 * one) or streams: Node writes those, and closes after.
 */
function refuseUnread(res: ServerResponse, out: Outgoing): boolean {
  const { socket } = res;
  if (!socket || res.headersSent || !isWhole(out.body)) return false;
  return answerAndClose(socket as Socket, wireAnswer(out));
}

/**
 * Writes the response natively: status, header pairs (repeated set-cookie kept), body; streams
 * streamed. An answer that leaves a large or refused body unread closes the connection without
 * reading it (Node would read all of it to keep the connection); `unreadLimit` is how much
 * unread body may still be read and dropped for that, the app's body limit on the server.
 */
export function send(res: ServerResponse, out: Outgoing, closing: boolean, unreadLimit = Infinity): void {
  if (res.socket && isRefused(res.socket as Socket)) return;
  if (leavesBodyUnread(res.req, out.status, unreadLimit)) {
    if (refuseUnread(res, out)) return;
    closing = true;
  }
  // Even read to its end, a body over the limit says the client may send more such: not on this connection.
  if (out.status === 413) closing = true;
  const flat: string[] = [];
  for (const [name, value] of out.headers) flat.push(name, value);
  const { body } = out;
  if (typeof body === "string") flat.push("content-length", String(Buffer.byteLength(body)));
  else if (body instanceof Uint8Array) flat.push("content-length", String(body.length));
  if (closing) {
    flat.push("connection", "close");
    res.shouldKeepAlive = false;
  }
  res.writeHead(out.status, flat);
  if (isWhole(body)) {
    res.end(body ?? undefined);
    return;
  }
  const stream = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  stream.on("error", () => res.destroy());
  res.once("close", () => stream.destroy());
  stream.pipe(res);
}

/**
 * Writes what `outcome` resolves to, after `finish` (compression) if given; if it fails, or writing does (a bug in jobwrap, or a header
 * value Node refuses to write), the client still gets core's last-resort problem, with the
 * answer's request id and the app's CORS headers (or a closed socket once headers went), and the
 * process lives on: an unhandled rejection would end it and every request in it.
 */
export function respond(
  res: ServerResponse,
  outcome: Promise<Outgoing>,
  closing: () => boolean,
  app: Pick<Prepared, "cors" | "sink">,
  unreadLimit = Infinity,
  finish?: (out: Outgoing, req: IncomingMessage) => Outgoing | Promise<Outgoing>,
): void {
  let answered: Outgoing | undefined;
  const fail = (error: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const out = lastResort(error, app.sink, requestIdIn(answered));
    addCors(app, out.headers, res.req.headers.origin, process.env);
    send(res, out, true);
  };
  const write = (out: Outgoing) => {
    try {
      send(res, out, closing(), unreadLimit);
    } catch (error) {
      fail(error);
    }
  };
  // One `then` with both reactions, and `finish` in the same continuation: each further promise
  // per request (a `.catch`, a `.then` for compression) showed in the profile.
  void outcome.then((out) => {
    answered = out;
    let last: Outgoing | Promise<Outgoing>;
    try {
      last = finish ? finish(out, res.req) : out;
    } catch (error) {
      fail(error);
      return;
    }
    if (last instanceof Promise) void last.then(write, fail);
    else write(last);
  }, fail);
}

/** Node's own request and response behind a job's request (on Cloud Functions, the framework's Express ones). */
export interface NodeRaw<Req extends IncomingMessage = IncomingMessage> {
  req: Req;
  res: ServerResponse;
}

/**
 * One request's platform on node:http. A class, not an object literal with getters: V8
 * gives each such literal a shape of its own, which cost a third of a small request's time
 * under load (bench/FINDINGS.md). Every field is set in the constructor, those a platform lacks
 * to undefined, so that both adapters' platforms share one shape.
 */
export class NodeHttpPlatform implements Platform {
  readonly name: string;
  readonly env: unknown;
  readonly waitUntil: ((promise: Promise<unknown>) => void) | undefined;
  readonly requestId: string | undefined;
  readonly deadline: number | undefined;
  readonly logFields: Record<string, unknown> | undefined;
  #res: ServerResponse;
  /** A front end the platform owns appends the client's address to `X-Forwarded-For` (Google's, before Cloud Functions). */
  #frontEnd: boolean;

  constructor(
    name: string,
    env: unknown,
    res: ServerResponse,
    waitUntil: ((promise: Promise<unknown>) => void) | undefined,
    requestId?: string,
    deadline?: number,
    logFields?: Record<string, unknown>,
    frontEnd = false,
  ) {
    this.name = name;
    this.env = env;
    this.#res = res;
    this.#frontEnd = frontEnd;
    this.waitUntil = waitUntil;
    this.requestId = requestId;
    this.deadline = deadline;
    this.logFields = logFields;
  }

  afterTurn(run: () => void): void {
    process.nextTick(run);
  }

  /** Called when a job first reads `ctx.signal`: most jobs never look. */
  onGone(abort: (reason: Error) => void): void {
    const res = this.#res;
    const gone = () => {
      if (!res.writableFinished) abort(new Error("the client went away"));
    };
    if (res.destroyed) gone();
    else res.once("close", gone);
  }

  get raw(): NodeRaw {
    return { req: this.#res.req, res: this.#res };
  }

  peer(): Peer | undefined {
    const { req } = this.#res;
    // Node joins repeated X-Forwarded-For lines with ", ", as the header allows.
    const forwarded = req.headers["x-forwarded-for"] as string | undefined;
    if (this.#frontEnd && forwarded) return lastForwarded(forwarded);
    const address = req.socket.remoteAddress;
    return address === undefined ? undefined : { address, forwardedFor: forwarded };
  }
}

/** The node:http request and response behind a job's request on `platform`; undefined on another. */
export function rawOn<Req extends IncomingMessage>(platform: string, ctx: Pick<Context, "platform" | "raw">): NodeRaw<Req> | undefined {
  return ctx.platform === platform ? (ctx.raw as NodeRaw<Req>) : undefined;
}
