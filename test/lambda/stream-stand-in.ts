/**
 * A stand-in for the `awslambda` global that keeps the semantics of aws-lambda-ric 3.3.0's own:
 * `streamifyResponse` marks the handler with `Symbol.for("aws.lambda.runtime.handler.streaming")`,
 * and `HttpResponseStream.from` sets the content type and writes the JSON prelude and eight NUL
 * bytes just before the first write.
 */
import { Writable } from "node:stream";

export const streamingSymbol = Symbol.for("aws.lambda.runtime.handler.streaming");

export class StandInStream extends Writable {
  chunks: Buffer[] = [];
  contentType = "application/octet-stream";
  wrote = 0;
  onWrite: (() => void) | undefined;
  _onBeforeFirstWrite: ((write: (chunk: string | Uint8Array) => void) => void) | undefined;
  #started = false;

  setContentType(type: string): void {
    if (this.#started) throw new Error("Cannot set content-type, too late.");
    this.contentType = type;
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    if (!this.#started && this._onBeforeFirstWrite) this._onBeforeFirstWrite((prelude) => super.write(prelude));
    this.#started = true;
    this.wrote++;
    this.onWrite?.();
    return super.write(chunk, ...(rest as []));
  }

  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    callback();
  }
}

export const awslambda = {
  streamifyResponse<H extends object>(handler: H): H {
    (handler as Record<symbol, unknown>)[streamingSymbol] = "response";
    return handler;
  },
  HttpResponseStream: {
    from(stream: StandInStream, prelude: Record<string, unknown>): StandInStream {
      stream.setContentType("application/vnd.awslambda.http-integration-response");
      stream._onBeforeFirstWrite = (write) => {
        write(JSON.stringify(prelude));
        write(new Uint8Array(8));
      };
      return stream;
    },
  },
};
