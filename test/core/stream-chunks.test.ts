/**
 * A job's stream body as the client gets it: every chunk kind a Web stream may carry turned
 * into its bytes (strings as UTF-8, typed arrays and DataViews as the bytes they view, an
 * ArrayBuffer whole), an empty stream an empty answer, a chunk that is no bytes a 500 with the
 * TypeError in the log, HEAD never reading the stream, and the stream read only as fast as the
 * client reads it. Also: `ctx.waitUntil` work that fails is logged, with or without a platform
 * that keeps the work alive.
 */
import { describe, expect, it } from "vitest";
import { job, type LogEntry } from "../../src/index.js";
import { expectJobFailure, expectProblem, lineOf, read, serve } from "./harness.js";

/** A stream that yields the chunks given, one per pull, and says how often it was pulled and whether it was cancelled. */
function source(chunks: unknown[]) {
  const seen = { pulls: 0, cancelled: false };
  let at = 0;
  const stream = new ReadableStream<unknown>(
    {
      pull(controller) {
        seen.pulls++;
        if (at < chunks.length) controller.enqueue(chunks[at++]);
        else controller.close();
      },
      cancel() {
        seen.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}

const streaming = (chunks: () => unknown[]) => serve(job({}, () => ({ body: source(chunks()).stream as ReadableStream<Uint8Array> })));

/** Bytes 0..15 in a buffer the views below look into part of. */
const buffer = () => Uint8Array.from({ length: 16 }, (_, i) => i).buffer;

const kinds: [string, () => unknown, number[]][] = [
  ["a string, as UTF-8", () => "hé", [0x68, 0xc3, 0xa9]],
  ["a Uint8Array", () => new Uint8Array([7, 8, 9]), [7, 8, 9]],
  ["a Uint8Array that views part of a buffer", () => new Uint8Array(buffer(), 3, 2), [3, 4]],
  ["a Uint16Array, the bytes it views", () => new Uint16Array(buffer(), 4, 2), [4, 5, 6, 7]],
  ["a DataView, the bytes it views", () => new DataView(buffer(), 1, 3), [1, 2, 3]],
  ["an ArrayBuffer, whole", () => new Uint8Array([250, 251]).buffer, [250, 251]],
];

describe("each chunk kind reaches the client as its bytes", () => {
  for (const [what, chunk, bytes] of kinds) {
    it(`${what}: as the first chunk`, async () => {
      const answer = await streaming(() => [chunk()]).send();
      expect(answer.status).toBe(200);
      expect([...answer.bytes]).toEqual(bytes);
    });

    it(`${what}: after a first chunk`, async () => {
      const answer = await streaming(() => ["<", chunk(), ">"]).send();
      expect([...answer.bytes]).toEqual([0x3c, ...bytes, 0x3e]);
    });
  }

  it("an empty stream: 200 with an empty body, nothing logged but the request line", async () => {
    const app = streaming(() => []);
    const answer = await app.send();
    expect(answer.status).toBe(200);
    expect(answer.bytes.length).toBe(0);
    expect(app.lines.map((line) => line.severity)).toEqual(["INFO"]);
  });
});

describe("a chunk that is no bytes", () => {
  const wrong: [string, unknown, string][] = [
    ["null", null, "null"],
    ["a number", 42, "number"],
    ["a plain object", { bytes: [1] }, "object"],
    ["undefined", undefined, "undefined"],
  ];
  for (const [what, chunk, named] of wrong) {
    it(`${what} first: 500 problem, the TypeError logged as the job's failure`, async () => {
      const app = streaming(() => [chunk]);
      expectJobFailure(await app.send(), app.lines, `a stream body yields bytes or strings, not ${named}`);
    });
  }

  it("null after the status went out: the stream errors, the source is cancelled, the TypeError logged", async () => {
    const made = source(["ok", null, "never"]);
    const app = serve(job({}, () => ({ body: made.stream as ReadableStream<Uint8Array> })));
    const out = await app.outgoing();
    expect(out.status).toBe(200);
    await expect(read(out)).rejects.toMatchObject({ status: 500 });
    const line = lineOf(app.lines, "the job's stream body failed");
    expect(line.severity).toBe("ERROR");
    expect(line.requestId).toBe(out.headers.find(([name]) => name === "x-request-id")![1]);
    expect((line.error as Error).message).toBe("a stream body yields bytes or strings, not null");
    expect(made.seen.cancelled).toBe(true);
  });
});

describe("the job's stream is read as the client reads", () => {
  it("HEAD: 200 with no body, the stream cancelled without a chunk read", async () => {
    const made = source(["a", "b"]);
    const app = serve(job({}, () => ({ body: made.stream as ReadableStream<Uint8Array> })));
    const answer = await app.send({ method: "HEAD" });
    expect(answer.status).toBe(200);
    expect(answer.body).toBeNull();
    expect(made.seen.pulls).toBe(0);
    expect(made.seen.cancelled).toBe(true);
  });

  it("HEAD of a stream whose first chunk is no bytes still answers 200: the stream is not read", async () => {
    expect((await streaming(() => [null]).send({ method: "HEAD" })).status).toBe(200);
  });

  it("GET: the first chunk is read before the answer, each next one only when the client asks", async () => {
    const made = source(["a", "b", "c"]);
    const app = serve(job({}, () => ({ body: made.stream as ReadableStream<Uint8Array> })));
    const out = await app.outgoing();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(made.seen.pulls).toBe(1);
    const reader = (out.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("a");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(made.seen.pulls).toBe(1);
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("b");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(made.seen.pulls).toBe(2);
    await reader.cancel();
  });
});

describe("ctx.waitUntil: work that fails after the answer is logged", () => {
  const failing = job({}, (_input, ctx) => {
    ctx.waitUntil(Promise.reject(new Error("the audit write failed")));
    return { body: "done" };
  });

  it("a platform that keeps the work alive gets a promise that does not reject; the failure is an ERROR line", async () => {
    const kept: Promise<unknown>[] = [];
    const app = serve(failing);
    const answer = await app.send({}, { waitUntil: (promise) => kept.push(promise) });
    expect(answer.text).toBe("done");
    expect(kept).toHaveLength(1);
    await expect(kept[0]).resolves.toBeUndefined();
    const line = lineOf(app.lines, "waitUntil work failed");
    expect(line.severity).toBe("ERROR");
    expect(line.requestId).toBe(answer.header("x-request-id"));
    expect((line.error as Error).message).toBe("the audit write failed");
  });

  it("a platform without waitUntil (a Node server): the answer goes out, the failure is still logged", async () => {
    const app = serve(failing);
    const answer = await app.send();
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("done");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(lineOf(app.lines, "waitUntil work failed").severity).toBe("ERROR");
  });

  it("taken from ctx and called detached, twice: each work goes to the platform", async () => {
    const kept: Promise<unknown>[] = [];
    const detached = job({}, (_input, ctx) => {
      const { waitUntil } = ctx;
      waitUntil(Promise.resolve("first"));
      waitUntil(Promise.resolve("second"));
      return { body: "done" };
    });
    const answer = await serve(detached).send({}, { waitUntil: (promise) => kept.push(promise) });
    expect(answer.text).toBe("done");
    expect(kept).toHaveLength(2);
  });
});
