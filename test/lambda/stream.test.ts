/**
 * `wrapStream` in-process, against a stand-in for the `awslambda` global that keeps the
 * semantics of aws-lambda-ric 3.3.0's own: `streamifyResponse` marks the handler with
 * `Symbol.for("aws.lambda.runtime.handler.streaming")`, and `HttpResponseStream.from` sets the
 * content type and writes the JSON prelude and eight NUL bytes just before the first write;
 * after the handler resolves, an unfinished stream is an error. ric.test.ts runs the same
 * handler in the real runtime client; this file checks what that cannot time: chunks leave
 * before the job's stream ends, and `waitUntil` work runs after the response has ended.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cors, job } from "jobwrap";
import { wrapStream, type ResponseStream, type StreamingHandler } from "jobwrap/lambda";
import { fixture, urlEvent, type Json } from "./events.js";
import { splitStreamed } from "./runtime-api.js";
import { awslambda, StandInStream, streamingSymbol } from "./stream-stand-in.js";

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

  it("answers a malformed event 400 in the prelude, naming the field, with the awsRequestId", async () => {
    const event = fixture("function-url-cookies.json");
    event.cookies = "foo=bar";
    const { prelude, body } = await invoke(wrapStream(job({}, () => ({ body: "x" })), { log: false }), event);
    expect(prelude).toEqual({ statusCode: 400, headers: { "content-type": "application/problem+json", "x-request-id": "stream-req" } });
    expect(JSON.parse(body.toString())).toMatchObject({ status: 400, requestId: "stream-req", errors: [{ pointer: "/cookies" }] });
  });

  it("the malformed event's 400 carries the app's CORS headers, for no origin: the event's headers are not read", async () => {
    const event = fixture("function-url-cookies.json");
    event.cookies = "foo=bar";
    event.headers.origin = "https://web.test";
    const { prelude } = await invoke(wrapStream(job({}, () => ({ body: "x" })), { log: false, cors: cors({ origin: "*" }) }), event);
    expect(prelude).toEqual({
      statusCode: 400,
      headers: {
        "content-type": "application/problem+json",
        "x-request-id": "stream-req",
        "access-control-allow-origin": "*",
        "access-control-expose-headers": "x-request-id",
      },
    });
  });

  it("answers 500 to a thrown value that throws when read", async () => {
    const logs: Json[] = [];
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error("no prototype for you");
        },
      },
    );
    const handler = wrapStream(
      job({}, () => {
        throw hostile;
      }),
      { log: (entry) => logs.push(entry) },
    );
    const { prelude, body } = await invoke(handler, fixture("function-url-basic.json"));
    expect(prelude.statusCode).toBe(500);
    expect(prelude.headers!["x-request-id"]).toBe("stream-req");
    expect(JSON.parse(body.toString())).toMatchObject({ status: 500, requestId: "stream-req" });
    // The failure's line, then the request's own (a 500 is logged at ERROR); the thrown value is never printed.
    expect(logs.filter((entry) => entry.severity === "ERROR").map((entry) => [entry.requestId, entry.message === "GET / 500"])).toEqual([
      ["stream-req", false],
      ["stream-req", true],
    ]);
  });

  it("answers 500 to a stream that fails before its first chunk; one that fails after the prelude rejects, for the runtime's error trailer", async () => {
    const failing = (chunksFirst: number) =>
      wrapStream(
        job({}, () => ({
          body: new ReadableStream<Uint8Array>({
            pull(controller) {
              if (chunksFirst-- > 0) controller.enqueue(new TextEncoder().encode("part"));
              else controller.error(new Error("disk on fire"));
            },
          }),
        })),
        { log: false },
      );
    const { prelude, body } = await invoke(failing(0), fixture("function-url-basic.json"));
    expect(prelude.statusCode).toBe(500);
    expect(body.toString()).not.toContain("disk on fire");
    // Core logged the failure; the trailer says only what a client may read.
    await expect(failing(1)(fixture("function-url-basic.json"), new StandInStream() as unknown as ResponseStream, {})).rejects.toThrow(
      /^Something went wrong on our side/,
    );
  });

  it("rejects an event that is no HTTP request, naming what it got", async () => {
    const handler = wrapStream(job({}, () => ({ body: "x" })), { log: false });
    await expect(handler({ Records: [] } as Json, new StandInStream() as unknown as ResponseStream)).rejects.toThrow(
      /not an HTTP request .*; it is an object with keys "Records"$/,
    );
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

/** A client that reads slowly: each write waits until `release` lets it through; `highWaterMark` bytes are buffered first. */
class SlowStream extends StandInStream {
  held: (() => void)[] = [];
  constructor() {
    super({ highWaterMark: 4 });
  }
  override _write(chunk: Buffer, encoding: string, callback: () => void): void {
    this.held.push(() => super._write(chunk, encoding, callback));
  }
  release(): void {
    for (const next of this.held.splice(0)) next();
  }
}

const encode = (text: string) => new TextEncoder().encode(text);

describe("wrapStream: what goes out of a job's stream", () => {
  beforeAll(() => {
    (globalThis as { awslambda?: unknown }).awslambda = awslambda;
  });
  afterAll(() => {
    delete (globalThis as { awslambda?: unknown }).awslambda;
  });

  it("a slow client holds the job's stream back: no more is read than the response stream can take", async () => {
    let pulled = 0;
    const handler = wrapStream(
      job({}, () => ({
        body: new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              pulled++;
              if (pulled > 20) controller.close();
              else controller.enqueue(encode(`chunk-${pulled};`));
            },
          },
          { highWaterMark: 0 },
        ),
      })),
      { log: false },
    );
    const stream = new SlowStream();
    const done = handler(fixture("function-url-basic.json"), stream as unknown as ResponseStream, { awsRequestId: "slow" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The first chunk went out (with the prelude) and is waiting for the client: the job was not read on.
    expect(stream.wrote).toBe(1);
    expect(pulled).toBeLessThanOrEqual(2);
    while (stream.wrote < 20 || stream.held.length > 0) {
      stream.release();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await done;
    expect(stream.writableFinished).toBe(true);
    const { prelude, body } = splitStreamed(Buffer.concat(stream.chunks));
    expect(prelude.statusCode).toBe(200);
    expect(body.toString()).toBe(Array.from({ length: 20 }, (_, i) => `chunk-${i + 1};`).join(""));
    // Each wait for the client leaves no listener behind (Node warns of a leak past ten).
    expect(stream.listenerCount("drain")).toBe(0);
    expect(stream.listenerCount("error")).toBeLessThanOrEqual(1);
  });

  it("a response stream that fails while the client is slow: the handler rejects with its error", async () => {
    let sent = 0;
    const handler = wrapStream(
      job({}, () => ({
        body: new ReadableStream<Uint8Array>({
          pull(controller) {
            if (++sent > 1000) controller.close();
            else controller.enqueue(encode("more and more"));
          },
        }),
      })),
      { log: false },
    );
    const stream = new SlowStream();
    stream.on("error", () => {});
    const done = handler(fixture("function-url-basic.json"), stream as unknown as ResponseStream, { awsRequestId: "broken" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    stream.destroy(new Error("connection reset"));
    await expect(done).rejects.toThrow("connection reset");
  });

  it("empty chunks are skipped: the prelude waits for the first byte, so a stream that then fails still answers 500", async () => {
    const handler = wrapStream(
      job({}, () => ({
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array(0));
            controller.enqueue(new Uint8Array(0));
          },
          pull(controller) {
            controller.error(new Error("disk on fire"));
          },
        }),
      })),
      { log: false },
    );
    const { prelude, body } = await invoke(handler, fixture("function-url-basic.json"));
    expect(prelude.statusCode).toBe(500);
    expect(JSON.parse(body.toString())).toMatchObject({ status: 500, requestId: "stream-req" });
  });

  it("a stream of only empty chunks: the prelude, an empty body, written once", async () => {
    const stream = new StandInStream();
    const handler = wrapStream(
      job({}, () => ({
        headers: { "content-type": "text/plain" },
        body: new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array(0));
            controller.close();
          },
        }),
      })),
      { log: false },
    );
    const { prelude, body } = await invoke(handler, fixture("function-url-basic.json"), stream);
    expect(prelude).toEqual({ statusCode: 200, headers: { "content-type": "text/plain", "x-request-id": "stream-req" } });
    expect(body.length).toBe(0);
    expect(stream.wrote).toBe(1);
  });

  it("a bytes body goes out whole in one write, after the prelude", async () => {
    const stream = new StandInStream();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const handler = wrapStream(job({}, () => ({ headers: { "content-type": "application/octet-stream" }, body: bytes })), { log: false });
    const { prelude, body } = await invoke(handler, fixture("function-url-basic.json"), stream);
    expect(prelude.statusCode).toBe(200);
    expect([...body]).toEqual([...bytes]);
    expect(stream.wrote).toBe(1);
  });

  it("a response stream that fails as it ends: the handler rejects with its error", async () => {
    const stream = new StandInStream();
    stream.on("error", () => {});
    stream.end = ((callback?: () => void) => {
      void callback;
      queueMicrotask(() => stream.emit("error", new Error("reset at the end")));
      return stream;
    }) as StandInStream["end"];
    const handler = wrapStream(job({}, () => ({ body: "x" })), { log: false });
    await expect(handler(fixture("function-url-basic.json"), stream as unknown as ResponseStream, {})).rejects.toThrow("reset at the end");
  });
});
