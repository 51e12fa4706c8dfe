/**
 * Answers written on the socket itself, for requests the server will not read to their end:
 * Node's own answers there are bare (no body) and, for a refused body, keep the connection and
 * read all of the body just to discard it. Here the answer is written whole and the connection
 * closes after a bounded linger instead.
 */
import type { Socket } from "node:net";
import { statusText } from "../core/status.js";
import type { Outgoing } from "../core/types.js";

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

/**
 * The answer as HTTP/1.1 bytes, for a socket no ServerResponse writes on. Streams are never refusals.
 * Throws, writing nothing, for a header value Node's ServerResponse refuses to write (a character
 * past Latin-1 or a control character): its Latin-1 bytes here would be another value, or a CR, LF
 * or NUL core refused (`\u010d\u010a` goes out as CRLF: a header line the job never set).
 */
export function wireAnswer(out: Outgoing): Buffer {
  const body = out.body === null ? undefined : Buffer.from(out.body as string | Uint8Array);
  let head = `HTTP/1.1 ${out.status} ${statusText(out.status)}\r\n`;
  let framed = false;
  for (const [name, value] of out.headers) {
    // A HEAD answer carries the length of the body it leaves out.
    if (name === "content-length") framed = true;
    // Node's own test of a header value (checkInvalidHeaderChar), and its error.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) throw new TypeError(`Invalid character in header content ["${name}"]`);
    head += `${name}: ${value}\r\n`;
  }
  if (!framed) head += `content-length: ${body?.length ?? 0}\r\n`;
  head += `date: ${new Date().toUTCString()}\r\nconnection: close\r\n\r\n`;
  const bytes = Buffer.from(head, "latin1");
  return body ? Buffer.concat([bytes, body]) : bytes;
}

/** Destroys the socket once what was written is flushed: a reset before then would lose the answer. */
export function destroyWhenFlushed(socket: Socket): void {
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
