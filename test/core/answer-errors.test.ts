/**
 * What a job's mistakes and an HttpError's details turn into: a job result core cannot send
 * is a 500 whose log line carries the TypeError saying why; an HttpError outside 400..599 is a
 * RangeError at once; its cause reaches the log; a thrown value that breaks `instanceof` is
 * still a 500; an extractor that throws is a 400 naming it, with a WARNING line; reason
 * phrases for codes without one; the `traceparent` trace id as request id.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { HttpError, isHttpError, job, statusText, type LogEntry, type RequestView } from "../../src/index.js";
import { expectJobFailure, expectProblem, lineOf, serve } from "./harness.js";

describe("a result core cannot send: 500, the reason in the log", () => {
  const cases: [string, () => unknown, string][] = [
    ["a number instead of a result", () => 5, "a job must return { status?, body?, headers? }"],
    ["null instead of a result", () => null, "a job must return { status?, body?, headers? }"],
    ["status 99", () => ({ status: 99 }), "invalid status 99"],
    ["status 600", () => ({ status: 600, body: "x" }), "invalid status 600"],
    ["204 with a body", () => ({ status: 204, body: "x" }), "a 204 response has no body"],
    ["304 with a body", () => ({ status: 304, body: { a: 1 } }), "a 304 response has no body"],
    ["a header name with a space", () => ({ headers: { "bad name": "x" } }), 'invalid response header "bad name"'],
    ["a header value with a line break", () => ({ headers: { "x-ok": "a\r\nset-cookie: b" } }), 'invalid response header "x-ok"'],
  ];
  for (const [what, result, message] of cases) {
    it(`${what}: TypeError "${message}"`, async () => {
      const app = serve(job({}, result as never));
      expectJobFailure(await app.send(), app.lines, message);
    });
  }

  it("no result at all: 204 with no header but the request id", async () => {
    const answer = await serve(job({}, () => undefined as never)).send();
    expect(answer.status).toBe(204);
    expect(answer.body).toBeNull();
    expect(answer.headers.map(([name]) => name)).toEqual(["x-request-id"]);
  });

  it("HEAD of a text body: content-length is its UTF-8 length, not its length in characters", async () => {
    const answer = await serve(job({}, () => ({ body: "héllo wörld" }))).send({ method: "HEAD" });
    expect(answer.body).toBeNull();
    expect(answer.header("content-length")).toBe("13");
  });

  it.each([
    ["2-byte characters (U+0080 to U+07FF)", "é\u07ff"],
    ["3-byte characters (U+0800 to U+FFFF)", "\u0800€\uffff"],
    ["a surrogate pair, one 4-byte character", "a😀b"],
    ["a lone surrogate, sent as U+FFFD (3 bytes)", "a\ud800b\udc00"],
    ["a high surrogate before another high one", "\ud800\ud83d\ude00"],
    ["a lone high surrogate before a 2-byte character", "\ud800é"],
    ["two lone low surrogates", "\udc00\udc00"],
    ["a 3-byte character before a lone low surrogate", "€\udc00"],
  ])("HEAD of a text body with %s: content-length is the bytes its GET sends", async (_name, text) => {
    const app = job({}, () => ({ body: text }));
    const get = await serve(app).send();
    const head = await serve(app).send({ method: "HEAD" });
    expect(head.header("content-length")).toBe(String(new TextEncoder().encode(get.text).length));
  });
});

describe("HttpError", () => {
  const frames = (error: Error) => (error.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at ")).length;

  it.each([400, 404, 409, 499])("a %d is an answer, not a fault: no stack frames are captured for it", (status) => {
    const error = new HttpError(status, "refused");
    expect(error.stack).toBe("HttpError: refused");
    expect(frames(error)).toBe(0);
  });

  it.each([500, 503, 599])("a %d keeps its stack, for the ERROR line that logs it", (status) => {
    expect(frames(new HttpError(status, "down"))).toBeGreaterThan(0);
  });

  it("the process's own stack limit is left as it was, also when the status is refused", () => {
    const before = Error.stackTraceLimit;
    new HttpError(404);
    expect(() => new HttpError(200)).toThrow(RangeError);
    expect(Error.stackTraceLimit).toBe(before);
    expect(frames(new Error("plain"))).toBeGreaterThan(0);
  });

  for (const status of [200, 399, 600, 404.5, Number.NaN]) {
    it(`status ${status}: RangeError when made`, () => {
      expect(() => new HttpError(status)).toThrow(new RangeError(`HttpError status must be 400 to 599, got ${status}`));
    });
  }

  it("keeps its cause, and has none when given none", () => {
    const cause = new Error("connection refused");
    expect(new HttpError(503, "down", { cause }).cause).toBe(cause);
    expect("cause" in new HttpError(503, "down")).toBe(false);
  });

  it("a 5xx with a cause: the ERROR line carries the HttpError and its cause", async () => {
    const cause = new Error("connection refused");
    const app = serve(
      job({}, () => {
        throw new HttpError(502, "The upstream failed", { cause });
      }),
    );
    const answer = await app.send();
    expectProblem(answer, { status: 502, title: "Bad Gateway", detail: "The upstream failed" });
    const line = lineOf(app.lines, "job answered a server error");
    expect(line).toMatchObject({ severity: "ERROR", status: 502, requestId: answer.header("x-request-id") });
    expect((line.error as Error).cause).toBe(cause);
  });

  it("a thrown Proxy whose prototype cannot be read: 500, logged as a failed job", async () => {
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error("no prototype for you");
        },
      },
    );
    const app = serve(
      job({}, () => {
        throw hostile;
      }),
    );
    expectProblem(await app.send(), { status: 500, title: "Internal Server Error" });
    expect(lineOf(app.lines, "job failed").error).toBe(hostile);
  });

  it("isHttpError: true for an HttpError and its subclasses, false for anything else, a hostile Proxy included", () => {
    class Teapot extends HttpError {}
    const hostile = new Proxy(
      {},
      {
        getPrototypeOf() {
          throw new Error("no prototype for you");
        },
      },
    );
    const seen = [new HttpError(404), new Teapot(418), new Error("plain"), { status: 404 }, undefined, hostile].map(isHttpError);
    expect(seen).toEqual([true, true, false, false, false, false]);
  });

  it("statusText of a code with no phrase of its own: Client Error for 4xx, Server Error for 5xx, none below", () => {
    expect(statusText(498)).toBe("Client Error");
    expect(statusText(597)).toBe("Server Error");
    expect(statusText(299)).toBe("");
    expect(statusText(400)).toBe("Bad Request");
  });
});

describe("an extractor that throws something else than an HttpError", () => {
  const app = serve(
    job(
      {
        user: (): unknown => {
          throw new Error("token store unreachable");
        },
        query: v.object({}),
      },
      () => ({ body: "never" }),
    ),
  );

  it("400 naming the extractor; a WARNING line with the error", async () => {
    const answer = await app.send();
    expectProblem(answer, {
      status: 400,
      title: "Bad Request",
      detail: "The request's user could not be read",
      errors: [{ pointer: "/user", detail: "could not read user" }],
    });
    const line = lineOf(app.lines, "extractor user refused the request");
    expect(line.severity).toBe("WARNING");
    expect(line.requestId).toBe(answer.header("x-request-id"));
    expect((line.error as Error).message).toBe("token store unreachable");
  });
});

describe("the request id from a traceparent", () => {
  const app = serve(job({ id: (_req: RequestView, ctx) => ctx.requestId }, ({ id }) => ({ body: id })));
  const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

  it("the trace id, with whitespace around the header ignored", async () => {
    for (const header of [`00-${traceId}-00f067aa0ba902b7-01`, `  00-${traceId}-00f067aa0ba902b7-01 \t`]) {
      const answer = await app.send({ headers: { traceparent: header } });
      expect(answer.header("x-request-id")).toBe(traceId);
      expect(answer.text).toBe(traceId);
    }
  });
});
