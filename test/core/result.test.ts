/**
 * A job's result as the response: the body's kind decides its content type, the status must
 * be a final one that fits the body, and no header may split the response or override its
 * framing. A result core cannot send safely is a 500, logged, its headers never sent.
 */
import { describe, expect, it } from "vitest";
import { HttpError, job, type JobResult } from "../../src/index.js";
import { expectProblem, serve, type Answer } from "./harness.js";

/** The answer to a job that returns `result`, and the log lines of its request. */
async function answer(result: JobResult | undefined | (() => unknown)): Promise<Answer & { lines: ReturnType<typeof serve>["lines"] }> {
  const app = serve(job({}, () => (typeof result === "function" ? result() : result) as JobResult));
  return Object.assign(await app.send(), { lines: app.lines });
}

/** A 500 that says nothing of the fault, its failure logged at ERROR. */
function expectFault(got: Awaited<ReturnType<typeof answer>>): void {
  const doc = expectProblem(got, { status: 500, title: "Internal Server Error" });
  expect(doc.detail).toBe(`Something went wrong on our side. Quote request id ${got.header("x-request-id")} when reporting it.`);
  expect(got.lines.some((line) => line.severity === "ERROR" && line.message === "job failed")).toBe(true);
}

/** Every header name is a token and no value can end the header or the head. */
function expectSafeHeaders(got: Answer): void {
  for (const [name, value] of got.headers) {
    expect(name).toMatch(/^[!#$%&'*+.^_`|~0-9a-z-]+$/);
    expect(value).not.toMatch(/[\r\n\0]/);
  }
}

describe("the body decides the content type", () => {
  it("an object is JSON", async () => {
    const got = await answer({ body: { a: 1, b: [true, null, "é"] } });
    expect(got.status).toBe(200);
    expect(got.header("content-type")).toBe("application/json");
    expect(got.text).toBe('{"a":1,"b":[true,null,"é"]}');
  });

  it.each([
    ["an array", [1, "two"], '[1,"two"]'],
    ["a number", 0, "0"],
    ["a boolean", false, "false"],
    ["null", null, "null"],
  ])("%s is JSON too", async (_name, body, text) => {
    const got = await answer({ body });
    expect(got.header("content-type")).toBe("application/json");
    expect(got.text).toBe(text);
  });

  it("a string is UTF-8 text", async () => {
    const got = await answer({ body: "héllo wörld €" });
    expect(got.status).toBe(200);
    expect(got.header("content-type")).toBe("text/plain; charset=utf-8");
    expect(got.text).toBe("héllo wörld €");
  });

  it("a Uint8Array is application/octet-stream, byte for byte", async () => {
    const got = await answer({ body: new Uint8Array([0, 1, 0xfe, 0xff]) });
    expect(got.header("content-type")).toBe("application/octet-stream");
    expect(Array.from(got.bytes)).toEqual([0, 1, 0xfe, 0xff]);
  });

  it("a view into a larger buffer sends only its own bytes", async () => {
    const buffer = new Uint8Array([9, 9, 1, 2, 3, 9]).buffer;
    const got = await answer({ body: new Uint8Array(buffer, 2, 3) });
    expect(Array.from(got.bytes)).toEqual([1, 2, 3]);
  });

  it("a Buffer is bytes too", async () => {
    const got = await answer({ body: Buffer.from([7, 8]) });
    expect(got.header("content-type")).toBe("application/octet-stream");
    expect(Array.from(got.bytes)).toEqual([7, 8]);
  });

  it("an ArrayBuffer is application/octet-stream, byte for byte", async () => {
    const got = await answer({ body: new Uint8Array([0, 0x80, 0xff]).buffer });
    expect(got.header("content-type")).toBe("application/octet-stream");
    expect(Array.from(got.bytes)).toEqual([0, 0x80, 0xff]);
  });

  it("the job's own content type is kept, once", async () => {
    const got = await answer({ body: "<p>hi</p>", headers: { "Content-Type": "text/html; charset=utf-8" } });
    expect(got.all("content-type")).toEqual(["text/html; charset=utf-8"]);
  });

  it.each([
    ["a function", () => "secret"],
    ["a symbol", Symbol("s")],
    ["a bigint", 1n],
  ])("%s as a body: 500", async (_name, body) => {
    expectFault(await answer({ body }));
  });

  it("a function with a getReader method is no stream: 500, the log saying what the body is", async () => {
    const got = await answer({ body: Object.assign(() => "secret", { getReader: () => ({}) }) });
    expectFault(got);
    const failed = got.lines.find((line) => line.message === "job failed");
    expect(String(failed?.error)).toBe("TypeError: a job's body must be JSON, text, bytes or a stream, not a function");
  });
});

describe("no body", () => {
  it("and no status: 204, with no content type", async () => {
    const got = await answer({});
    expect(got.status).toBe(204);
    expect(got.body).toBeNull();
    expect(got.all("content-type")).toEqual([]);
  });

  it("a job that returns nothing: 204", async () => {
    const got = await answer(undefined);
    expect(got.status).toBe(204);
    expect(got.body).toBeNull();
  });

  it("headers only: 204 with them", async () => {
    const got = await answer({ headers: { "x-done": "yes" } });
    expect(got.status).toBe(204);
    expect(got.header("x-done")).toBe("yes");
  });

  it("a status with no body: that status, no body", async () => {
    const got = await answer({ status: 201, headers: { location: "/thing/1" } });
    expect(got.status).toBe(201);
    expect(got.body).toBeNull();
    expect(got.header("location")).toBe("/thing/1");
  });

  it.each([
    ["a string", "done"],
    ["null", null],
    ["a number", 200],
  ])("a job that returns %s instead of a result: 500", async (_name, value) => {
    expectFault(await answer(() => value));
  });
});

describe("status", () => {
  it.each([200, 201, 299, 302, 404, 599])("%d is sent as it is", async (status) => {
    const got = await answer({ status, body: "x" });
    expect(got.status).toBe(status);
    expect(got.text).toBe("x");
  });

  it.each([
    ["199", 199],
    ["100", 100],
    ["600", 600],
    ["200.5", 200.5],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-200", -200],
  ])("%s is refused: 500", async (_name, status) => {
    const got = await answer({ status, body: "x" });
    expectFault(got);
    expect(got.text).not.toContain("invalid status");
  });

  it.each([204, 304])("%d with no body is sent", async (status) => {
    const got = await answer({ status });
    expect(got.status).toBe(status);
    expect(got.body).toBeNull();
  });

  it.each([
    [204, "text"],
    [304, "text"],
    [204, { a: 1 }],
    [304, new Uint8Array([1])],
  ])("%d with a body (%j) is refused: 500", async (status, body) => {
    expectFault(await answer({ status, body }));
  });
});

describe("response splitting: a header that could end a line or the head is never sent", () => {
  it.each([
    ["CR LF in a value", { "x-a": "1\r\nx-injected: yes" }],
    ["LF alone in a value", { "x-a": "1\nx-injected: yes" }],
    ["CR alone in a value", { "x-a": "1\rx-injected: yes" }],
    ["NUL in a value", { "x-a": "1\0x" }],
    ["CR LF CR LF in a value", { "x-a": "1\r\n\r\n<script>" }],
    ["CR LF in one item of an array", { "set-cookie": ["a=1", "b=2\r\nx-injected: yes"] }],
    ["CR LF in a name", { "x-a\r\nx-injected": "yes" }],
    ["LF in a name", { "x-a\nx-injected": "yes" }],
    ["NUL in a name", { "x-a\0": "yes" }],
    ["a space in a name", { "x injected": "yes" }],
    ["a colon in a name", { "x-injected:": "yes" }],
    ["parentheses in a name", { "x(injected)": "yes" }],
    ["a non-ASCII name", { "x-é": "yes" }],
    ["an empty name", { "": "yes" }],
  ])("%s: 500, and none of the job's headers sent", async (_name, headers) => {
    const got = await answer({ body: "ok", headers: { "x-before": "1", ...headers } });
    expectFault(got);
    expectSafeHeaders(got);
    expect(got.headers.map(([name]) => name).sort()).toEqual(["content-type", "x-request-id"]);
  });

  it("an HttpError's header that would split the response: 500, that header never sent", async () => {
    const got = await answer(() => {
      throw new HttpError(401, "who are you", { headers: { "www-authenticate": 'Bearer\r\nx-injected: yes' } });
    });
    expectProblem(got, { status: 500, title: "Internal Server Error" });
    expectSafeHeaders(got);
    expect(got.all("www-authenticate")).toEqual([]);
    expect(got.text).not.toContain("x-injected");
  });

  it("every token character is a valid name, and a tab or obs-text in a value is fine", async () => {
    const got = await answer({ body: "ok", headers: { "X-a_b.c!#$%&'*+^`|~9": "a\tb é" } });
    expect(got.status).toBe(200);
    expect(got.header("x-a_b.c!#$%&'*+^`|~9")).toBe("a\tb é");
  });
});

describe("framing and hop-by-hop headers are the adapter's, not the job's", () => {
  it.each([
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "upgrade",
    "te",
    "trailer",
    "Content-Length",
    "TRANSFER-ENCODING",
    "Connection",
    "Keep-Alive",
    "Upgrade",
    "TE",
    "Trailer",
  ])("%s is dropped; the rest is sent", async (name) => {
    const got = await answer({ body: "ok", headers: { [name]: "1", "x-kept": "yes" } });
    expect(got.status).toBe(200);
    expect(got.text).toBe("ok");
    expect(got.header("x-kept")).toBe("yes");
    expect(got.all(name.toLowerCase())).toEqual([]);
  });

  it("all of them at once, even with unsafe values: dropped, the answer sent", async () => {
    const got = await answer({
      body: "ok",
      headers: {
        Connection: "close",
        "Keep-Alive": "timeout=1",
        "Transfer-Encoding": "chunked",
        "Content-Length": "0\r\n\r\nHTTP/1.1 200 OK",
        Upgrade: "websocket",
        TE: "trailers",
        Trailer: "x",
        "x-kept": "yes",
      },
    });
    expect(got.status).toBe(200);
    expect(got.headers.map(([name]) => name).sort()).toEqual(["content-type", "x-kept", "x-request-id"]);
  });
});

describe("header values", () => {
  it("an array value repeats the header, in order (set-cookie)", async () => {
    const got = await answer({ body: { ok: true }, headers: { "set-cookie": ["a=1; Path=/; HttpOnly", "b=2; Secure", "c=3"], vary: "accept" } });
    expect(got.all("set-cookie")).toEqual(["a=1; Path=/; HttpOnly", "b=2; Secure", "c=3"]);
    expect(got.all("vary")).toEqual(["accept"]);
  });

  it("an empty array sends no header", async () => {
    const got = await answer({ body: "x", headers: { "set-cookie": [] } });
    expect(got.all("set-cookie")).toEqual([]);
  });

  it("a number is sent as its digits", async () => {
    expect((await answer({ body: "x", headers: { "retry-after": 120 } })).header("retry-after")).toBe("120");
  });

  it("names are sent in lower case", async () => {
    const got = await answer({ body: "x", headers: { "X-Custom-Thing": "v" } });
    expect(got.headers).toContainEqual(["x-custom-thing", "v"]);
    expect(got.headers.some(([name]) => name === "X-Custom-Thing")).toBe(false);
  });
});

describe("headers core keeps for itself", () => {
  it("one x-request-id, core's, whatever the job's headers say", async () => {
    const got = await answer({ body: "ok", headers: { "X-Request-Id": "mine", "x-kept": "yes" } });
    expect(got.all("x-request-id")).toHaveLength(1);
    expect(got.header("x-request-id")).not.toBe("mine");
    expect(got.header("x-kept")).toBe("yes");
  });
});
