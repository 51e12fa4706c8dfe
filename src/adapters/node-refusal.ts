/**
 * What the Node server refuses before the pipeline, each answered with core's problem document
 * and the connection closed: a request Node's parser refused (`clientError`), what Node's parser
 * lets through but HTTP/1.1 refuses, an expectation other than `100-continue`, and CONNECT.
 * Node's own answers there are bare, or missing; these are the same problems every other
 * refusal gets, and nothing of the request goes into them.
 */
// maxHeaderSize: the limit on a request line and headers, 16 KiB unless --max-http-header-size says otherwise.
import { maxHeaderSize, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { addCors, type Prepared } from "../core/handle.js";
import { HttpError } from "../core/http-error.js";
import { requestIdOf } from "../core/request-id.js";
import { problemAnswer } from "../core/problems.js";
import { pathOf, send } from "./node-http.js";
import { answerAndClose, destroyWhenFlushed, isRefused, wireAnswer } from "./node-socket-answer.js";

/** What Node's parser error means for the client: a status and a detail naming no byte it sent. */
interface ClientErrorAnswer {
  status: number;
  detail: string;
}

const parseErrorDetails: Record<string, string> = {
  HPE_INVALID_METHOD: "The request method is not one HTTP/1.1 defines",
  HPE_INVALID_CONSTANT: "The request line is not valid HTTP/1.1",
  HPE_INVALID_VERSION: "The request line does not end with a valid HTTP version and CRLF",
  HPE_INVALID_URL: "The request target has a character HTTP does not allow",
  HPE_UNEXPECTED_SPACE: "The request line or a header field has whitespace HTTP does not allow",
  HPE_INVALID_HEADER_TOKEN: "A header field has a character or a line fold HTTP does not allow",
  HPE_CR_EXPECTED: "A line does not end with CRLF",
  HPE_LF_EXPECTED: "A line does not end with CRLF",
  HPE_STRICT: "A line or a chunk does not end with CRLF",
  HPE_UNEXPECTED_CONTENT_LENGTH: "The Content-Length is declared more than once",
  HPE_INVALID_CONTENT_LENGTH: "The Content-Length is not valid, or comes with a Transfer-Encoding",
  HPE_INVALID_TRANSFER_ENCODING: "The Transfer-Encoding is not valid (chunked, last), or comes with a Content-Length",
  HPE_INVALID_CHUNK_SIZE: "A chunk size is not valid",
  HPE_INVALID_EOF_STATE: "The request ended before it was complete",
  HPE_PAUSED_H2_UPGRADE: "This server speaks HTTP/1.x, not HTTP/2",
};

/**
 * A header overflow whose packet is one unfinished request line, from its start: the target is
 * what is too long. Sent slowly, in several packets, it cannot be told from long headers.
 */
function targetTooLong(packet: Buffer | undefined): boolean {
  if (!packet || packet.includes(0x0a)) return false;
  return /^[!#$%&'*+.^_`|~\w-]+ /.test(packet.toString("latin1", 0, 32));
}

function clientErrorAnswer(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): ClientErrorAnswer {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return targetTooLong(error.rawPacket)
        ? { status: 414, detail: `The request target is longer than the limit of ${maxHeaderSize} bytes for the request line and headers` }
        : { status: 431, detail: `The request line and headers are larger than the limit of ${maxHeaderSize} bytes` };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { status: 413, detail: "The chunk extensions are larger than this server accepts" };
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { status: 408, detail: "The request did not arrive in time" };
    default:
      return { status: 400, detail: parseErrorDetails[error.code ?? ""] ?? "The request is not valid HTTP/1.1" };
  }
}

/** Whether the error is one of the request's bytes or its time (the client's fault), not of a socket already gone. */
function isRequestError(error: NodeJS.ErrnoException): boolean {
  return error.code !== undefined && (error.code.startsWith("HPE_") || error.code === "ERR_HTTP_REQUEST_TIMEOUT");
}

/** Where a connection keeps the responses it has not finished writing, oldest first (`Answers`). */
const unfinished = Symbol("jobwrap.unfinished");
type Tracked = Socket & { [unfinished]?: ServerResponse[] };

/**
 * The responses of each connection, so that a parser error on it is answered only when no
 * answer has begun there: a refusal written into a response under way would corrupt it. Kept on
 * the socket itself, a list of those not yet written (pipelined requests are answered in order):
 * a WeakMap lookup and a Set's delete and add per request showed in the bench's profile. Each
 * leaves the list when it finishes: one kept until the connection's next request outlived the
 * young generation's collections, and with it all its request held (its body's buffers, whose
 * memory then waited for a full collection: tens of MiB more resident under uploads).
 */
class Answers {
  add(res: ServerResponse): void {
    const socket = res.req.socket as Tracked;
    const list = socket[unfinished];
    if (list) list.push(res);
    else socket[unfinished] = [res];
    // One shared listener, called with the response as `this`: no closure and no `once` wrapper per request.
    res.on("finish", forgetFinished);
  }

  /** Whether an answer on this socket has begun: a refusal written now would corrupt it. */
  started(socket: Socket): boolean {
    for (const res of (socket as Tracked)[unfinished] ?? []) if (res.headersSent && !res.writableEnded) return true;
    return false;
  }

  /**
   * The `Origin` of the request this socket is still answering, if Node parsed one (a body that
   * did not arrive in time): its headers passed the parser as any request's do.
   */
  origin(socket: Socket): string | undefined {
    for (const res of (socket as Tracked)[unfinished] ?? []) if (!res.writableEnded) return res.req.headers.origin;
    return undefined;
  }
}

/** Takes a finished response off its connection's list (a response emits `finish` once). */
function forgetFinished(this: ServerResponse): void {
  const list = (this.req.socket as Tracked)[unfinished]!;
  const at = list.indexOf(this);
  // The last one, as a connection's only answer is, popped: `splice` makes an array of what it removes.
  if (at === list.length - 1) list.pop();
  else if (at >= 0) list.splice(at, 1);
}

/**
 * The server's `clientError` listener: a request Node's parser refused (or that did not arrive
 * in time) is answered with a problem and the connection closed, as Node does but with a body.
 * Nothing of the refused bytes is read into the answer or the log: they are not to be trusted.
 * Only a request Node parsed before, whose body did not arrive in time, gives its `Origin` to the
 * CORS headers, as every parsed request does.
 */
function clientErrorListener(app: Prepared, answers: Answers): (error: NodeJS.ErrnoException, socket: Socket) => void {
  const { sink } = app;
  return (error, socket) => {
    if (isRefused(socket)) {
      // The parser, finishing after the client closed, finds its request incomplete: already answered.
      destroyWhenFlushed(socket);
      return;
    }
    if (!isRequestError(error) || !socket.writable || answers.started(socket)) {
      socket.destroy();
      return;
    }
    const { status, detail } = clientErrorAnswer(error);
    const requestId = requestIdOf({});
    const out = problemAnswer(new HttpError(status, detail), requestId);
    // The CORS headers for the origin of a request Node parsed, if one is pending; else for none.
    addCors(app, out.headers, answers.origin(socket), process.env);
    answerAndClose(socket, wireAnswer(out));
    // The code is Node's name for what was wrong, never the request's bytes. The sink is core's guarded one.
    sink({ severity: "INFO", message: `refused a malformed request: ${status}`, status, code: error.code, requestId, platform: "node" });
  };
}

/** More header fields than this are refused with 431, rather than dropped by Node past its count. */
const maxHeaderFields = 1000;

/**
 * What Node's parser lets through but HTTP/1.1 refuses: a missing or repeated Host (RFC 9112
 * §3.2), a version other than 1.x, and more header fields than `maxHeaderFields`.
 */
function headerRefusal(req: IncomingMessage): HttpError | undefined {
  if (req.httpVersionMajor !== 1) return new HttpError(505, "This server speaks HTTP/1.0 and HTTP/1.1");
  const raw = req.rawHeaders;
  if (raw.length > 2 * maxHeaderFields) return new HttpError(431, `The request has more than ${maxHeaderFields} header fields`);
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === "host") hosts++;
  if (hosts > 1) return new HttpError(400, "The request has more than one Host header field");
  if (hosts === 0 && req.httpVersionMinor === 1) return new HttpError(400, "An HTTP/1.1 request must have a Host header field");
  return undefined;
}

/** One access line for a request refused before the pipeline, as core writes for the rest. */
function logRefusal(sink: Prepared["sink"], req: IncomingMessage, status: number, requestId: string): void {
  const path = pathOf(req.url ?? "");
  sink({ severity: "INFO", message: `${req.method} ${path} ${status}`, method: req.method, path, status, durationMs: 0, requestId, platform: "node" });
}

/** Answers a parsed request that is refused before the pipeline, and closes the connection. */
function refuse(req: IncomingMessage, res: ServerResponse, error: HttpError, app: Prepared): void {
  const requestId = requestIdOf(req.headers as Record<string, string | undefined>);
  const out = problemAnswer(error, requestId);
  addCors(app, out.headers, req.headers.origin, process.env);
  if (req.method === "HEAD") {
    // As core answers HEAD: the length of the body, not the body (the refusal may go out on the socket itself).
    out.headers.push(["content-length", String(Buffer.byteLength(out.body as string))]);
    out.body = null;
  }
  send(res, out, true, app.bodyLimit);
  logRefusal(app.sink, req, error.status, requestId);
}

/**
 * Makes `server` refuse, with problems, what Node's parser refuses, expectations other than
 * `100-continue` and CONNECT, each with the app's CORS headers. Returns the check every other
 * request passes first: true when it refused (and answered) the request, which then goes no
 * further. The app's body limit is how much unread body a refusal may still read and drop.
 */
export function installRefusals(server: Server, app: Prepared): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { sink } = app;
  const answers = new Answers();
  // One more than are allowed, so that a request past the limit shows it (Node drops the rest unsaid).
  server.maxHeadersCount = maxHeaderFields + 1;
  // Without this listener Node answers a bare 417 and keeps the connection, reading the body.
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => {
    answers.add(res);
    const refusal = headerRefusal(req) ?? new HttpError(417, "The only expectation this server meets is 100-continue");
    refuse(req, res, refusal, app);
  });
  server.on("clientError", clientErrorListener(app, answers));
  // Node drops a CONNECT it has no listener for without a word. Its target names another host: not logged.
  server.on("connect", (req: IncomingMessage, socket: Socket) => {
    const requestId = requestIdOf({});
    const out = problemAnswer(new HttpError(501, "This server is no proxy: it does not serve CONNECT"), requestId);
    addCors(app, out.headers, req.headers.origin, process.env);
    answerAndClose(socket, wireAnswer(out));
    sink({ severity: "INFO", message: "refused a CONNECT: 501", method: "CONNECT", status: 501, requestId, platform: "node" });
  });
  return (req, res) => {
    answers.add(res);
    const refusal = headerRefusal(req);
    if (!refusal) return false;
    refuse(req, res, refusal, app);
    return true;
  };
}
