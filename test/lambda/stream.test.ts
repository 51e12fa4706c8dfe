/**
 * `wrapStream` in-process, against a stand-in for the `awslambda` global that keeps the
 * semantics of aws-lambda-ric 3.3.0's own: `streamifyResponse` marks the handler with
 * `Symbol.for("aws.lambda.runtime.handler.streaming")`, and `HttpResponseStream.from` sets the
 * content type and writes the JSON prelude and eight NUL bytes just before the first write;
 * after the handler resolves, an unfinished stream is an error. ric.test.ts runs the same
 * handler in the real runtime client; this file checks what that cannot time: chunks leave
 * before the job's stream ends, and `waitUntil` work runs after the response has ended.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job } from "jobwrap";
import { wrapStream, type ResponseStream, type StreamingHandler } from "jobwrap/lambda";
import { fixture, urlEvent, type Json } from "./events.js";
import { splitStreamed } from "./runtime-api.js";

const streamingSymbol = Symbol.for("aws.lambda.runtime.handler.streaming");

class StandInStream extends Writable {
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

const awslambda = {
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

/** Runs one invocation as the runtime client does, and checks the stream was ended. */
async function invoke(handler: StreamingHandler, event: Json, stream = new StandInStream()) {
  await handler(event, stream as unknown as ResponseStream, { awsRequestId: "stream-req", getRemainingTimeInMillis: () => 10_000 });
  expect(stream.writableFinished, "Response stream is not finished.").toBe(true);
  expect(stream.contentType).toBe("application/vnd.awslambda.http-integration-response");
  return splitStreamed(Buffer.concat(stream.chunks));
}

describe("wrapStream (jobwrap/lambda) with a stand-in of the runtime's awslambda global", () => {
  beforeAll(() => {
    (globalThis as { awslambda?: unknown }).awslambda = awslambda;
  });
  afterAll(() => {
    delete (globalThis as { awslambda?: unknown }).awslambda;
  });

  it("is marked as a streaming handler by awslambda.streamifyResponse", () => {
    const handler = wrapStream(job({}, () => ({ body: "hi" })), { log: false });
    expect((handler as unknown as Record<symbol, unknown>)[streamingSymbol]).toBe("response");
  });

  it("sends each chunk as the job produces it, before its stream ends", async () => {
    const stream = new StandInStream();
    let firstArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (firstArrived = resolve));
    const handler = wrapStream(
      job({}, () => ({
        headers: { "content-type": "text/plain; charset=utf-8", "set-cookie": ["s=1", "t=2"] },
        body: new ReadableStream<Uint8Array>({
          async start(controller) {
            controller.enqueue(new TextEncoder().encode("first "));
            // Only once the first chunk has been written out does the rest come: a buffering adapter never gets here.
            await arrived;
            controller.enqueue(new TextEncoder().encode("second"));
            controller.close();
          },
        }),
      })),
      { log: false },
    );
    stream.onWrite = () => {
      if (stream.wrote === 1) firstArrived();
    };
    const { prelude, body } = await invoke(handler, urlEvent({ method: "GET", path: "/" }), stream);
    expect(prelude).toEqual({
      statusCode: 200,
      headers: { "content-type": "text/plain; charset=utf-8", "x-request-id": "stream-req" },
      cookies: ["s=1", "t=2"],
    });
    expect(body.toString()).toBe("first second");
    expect(stream.wrote).toBe(2);
  });

  it("ends the response before waiting for waitUntil work, and waits for it before resolving", async () => {
    const stream = new StandInStream();
    let finishedFirst: boolean | undefined;
    const handler = wrapStream(
      job({}, (_input, ctx) => {
        ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 50)).then(() => (finishedFirst = stream.writableFinished)));
        return { body: "done" };
      }),
      { log: false },
    );
    const { body } = await invoke(handler, fixture("function-url-basic.json"), stream);
    expect(body.toString()).toBe("done");
    expect(finishedFirst).toBe(true);
  });

  it("writes the prelude of an empty response too", async () => {
    const { prelude, body } = await invoke(wrapStream(job({}, () => ({})), { log: false }), fixture("function-url-basic.json"));
    expect(prelude).toEqual({ statusCode: 204, headers: { "x-request-id": "stream-req" } });
    expect(body.length).toBe(0);
  });

  it("answers errors as problems, in the prelude's status", async () => {
    const { prelude, body } = await invoke(
      wrapStream(job({}, () => Promise.reject(new Error("secret"))), { log: false }),
      fixture("function-url-cookies.json"),
    );
    expect(prelude.statusCode).toBe(500);
    expect(prelude.headers!["content-type"]).toBe("application/problem+json");
    expect(body.toString()).not.toContain("secret");
  });

  it("without the runtime's global, the handler says what it needs", async () => {
    delete (globalThis as { awslambda?: unknown }).awslambda;
    try {
      const handler = wrapStream(job({}, () => ({ body: "x" })), { log: false });
      await expect(handler(fixture("function-url-basic.json"), new StandInStream() as unknown as ResponseStream)).rejects.toThrow(/awslambda/);
    } finally {
      (globalThis as { awslambda?: unknown }).awslambda = awslambda;
    }
  });
});
