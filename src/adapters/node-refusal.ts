/**
 * Answers the Node server gives on the socket itself, for requests it will not read to their
 * end: a body refused (413, 417), or a request Node's parser refused (`clientError`). Node's own
 * answers there are bare (no body) and, for a refused body, keep the connection and read all of
 * the body just to discard it. Here the answer is core's problem document, and the connection
 * closes after a bounded linger instead.
 */
// The limit on a request line and headers: 16 KiB unless --max-http-header-size says otherwise.
import { maxHeaderSize } from "node:http";
import type { Socket } from "node:net";
import { HttpError } from "../core/http-error.js";
import { statusText } from "../core/status.js";
import { requestIdOf } from "../core/request-id.js";
import { problemToOutgoing } from "../core/problems.js";
import type { LogSink, Outgoing } from "../core/types.js";

/**
 * After a refusal is written, the server half-closes and reads on — discarding — at most this
 * many bytes, then stops reading. Closing with unread bytes sends a TCP reset, and a client still
 * uploading may lose the answer to it; a short linger lets it read the answer first. A whole
 * refusal, linger included, measured 9 ms of CPU; reading a 2 GiB body to its end, 1.6 to 5.5 s.
 */
export const lingerBytes = 1024 * 1024;
/** The socket is destroyed at the latest this many milliseconds after the refusal, or as soon as the client closes its side. */
export const lingerMs = 2000;

/** Sockets answered here: no other answer may be written on them, and they are closing. */
const refused = new WeakSet<Socket>();

/** Whether the socket carries a refusal already: nothing else may be written on it. */
export function isRefused(socket: Socket): boolean {
  return refused.has(socket);
}

/** The answer as HTTP/1.1 bytes, for a socket no ServerResponse writes on. Streams are never refusals. */
export function wireAnswer(out: Outgoing): Buffer {
  const body = out.body === null ? undefined : Buffer.from(out.body as string | Uint8Array);
  let head = `HTTP/1.1 ${out.status} ${statusText(out.status)}\r\n`;
  let framed = false;
  for (const [name, value] of out.headers) {
    // A HEAD answer carries the length of the body it leaves out.
    if (name === "content-length") framed = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!framed) head += `content-length: ${body?.length ?? 0}\r\n`;
  head += `date: ${new Date().toUTCString()}\r\nconnection: close\r\n\r\n`;
  const bytes = Buffer.from(head, "latin1");
  return body ? Buffer.concat([bytes, body]) : bytes;
}

/** Destroys the socket once what was written is flushed: a reset before then would lose the answer. */
function destroyWhenFlushed(socket: Socket): void {
  if (socket.writableFinished) socket.destroy();
  else socket.once("finish", () => socket.destroy());
}

/**
 * Writes `answer` and closes the connection without parsing another byte of it: the HTTP parser
 * loses the read side, the answer goes out with a FIN, then at most `lingerBytes` are read and
 * dropped, and the socket is destroyed when the client closes or `lingerMs` pass.
 * Returns false, writing nothing, if the socket is closing already.
 */
export function answerAndClose(socket: Socket, answer: Buffer): boolean {
  if (refused.has(socket) || !socket.writable) return false;
  refused.add(socket);
  // Node's own listener parses what arrives; removing it and adding ours also stops the parser's
  // native read (node:http unconsumes the socket when someone listens for its data).
  socket.removeAllListeners("data");
  let left = lingerBytes;
  socket.on("data", (chunk: Buffer) => {
    left -= chunk.length;
    // Enough read: stop reading (no more work) but keep the socket until the deadline, so the
    // client's writes block rather than fail before it has read the answer.
    if (left <= 0) socket.pause();
  });
  socket.once("end", () => destroyWhenFlushed(socket));
  // A CONNECT's socket has no listener of Node's left: a reset during the linger must not throw.
  socket.on("error", () => socket.destroy());
  const deadline = setTimeout(() => socket.destroy(), lingerMs);
  deadline.unref();
  socket.once("close", () => clearTimeout(deadline));
  socket.end(answer);
  socket.resume();
  return true;
}

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

/** A problem answer with its request id header, as core writes one. */
export function problemAnswer(error: HttpError, requestId: string): Outgoing {
  const out = problemToOutgoing(error, requestId);
  out.headers.push(["x-request-id", requestId]);
  return out;
}

/** Whether the error is one of the request's bytes or its time (the client's fault), not of a socket already gone. */
function isRequestError(error: NodeJS.ErrnoException): boolean {
  return error.code !== undefined && (error.code.startsWith("HPE_") || error.code === "ERR_HTTP_REQUEST_TIMEOUT");
}

export interface ClientErrorOptions {
  sink: LogSink;
  /** Whether an answer on this socket has begun: a refusal written now would corrupt it. */
  answering(socket: Socket): boolean;
}

/**
 * The server's `clientError` listener: a request Node's parser refused (or that did not arrive
 * in time) is answered with a problem and the connection closed, as Node does but with a body.
 * Nothing of the request is read into the answer or the log: its bytes are not to be trusted.
 */
export function clientErrorListener(options: ClientErrorOptions): (error: NodeJS.ErrnoException, socket: Socket) => void {
  return (error, socket) => {
    if (refused.has(socket)) {
      // The parser, finishing after the client closed, finds its request incomplete: already answered.
      destroyWhenFlushed(socket);
      return;
    }
    if (!isRequestError(error) || !socket.writable || options.answering(socket)) {
      socket.destroy();
      return;
    }
    const { status, detail } = clientErrorAnswer(error);
    const requestId = requestIdOf({});
    answerAndClose(socket, wireAnswer(problemAnswer(new HttpError(status, detail), requestId)));
    // The code is Node's name for what was wrong, never the request's bytes. The sink is core's guarded one.
    options.sink({ severity: "INFO", message: `refused a malformed request: ${status}`, status, code: error.code, requestId, platform: "node" });
  };
}
