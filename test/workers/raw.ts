import { connect } from "node:net";

/**
 * Writes `head` (request line and headers, no blank line) and the body `chunks` over a raw
 * socket, as HTTP/1.1 chunked encoding, and resolves with the response's status and text.
 * With `keepOpen`, the request is never finished: the response must come without its end.
 */
export function rawRequest(base: string, head: string, chunks: string[], keepOpen = false): Promise<{ status: number; text: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let text = "";
    const done = () => {
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status, text });
    };
    socket.on("data", (data: Buffer) => {
      text += data.toString("latin1");
      // One whole response is enough: the socket may stay open under keep-alive.
      const headEnd = text.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: (\d+)/i.exec(text)?.[1];
      if (headEnd >= 0 && length !== undefined && text.length >= headEnd + 4 + Number(length)) done();
    });
    socket.once("end", done);
    socket.once("error", reject);
    socket.write(`${head}\r\nHost: ${url.host}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    for (const chunk of chunks) socket.write(`${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`);
    if (!keepOpen) socket.write("0\r\n\r\n");
  });
}
