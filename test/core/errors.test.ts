/**
 * Errors, one shape everywhere: an HttpError answers its status as an RFC 9457 problem; any
 * other throw is a 500 that only quotes the request id. Server errors are logged at ERROR with
 * that id, never at INFO, and no log line carries anything of the query, a header or the body.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { HttpError, job, routes, type JobResult, type LogEntry, type RequestView } from "../../src/index.js";
import { expectProblem, serve, utf8, type Sent } from "./harness.js";

const fault = (requestId: string) => `Something went wrong on our side. Quote request id ${requestId} when reporting it.`;

/** The app of one job that throws `thrown`. */
function throwing(thrown: unknown) {
  return serve(
    job({}, (): JobResult => {
      throw thrown;
    }),
  );
}

/** A log line as text, errors written out whole (name, message, stack, cause, own fields). */
function written(line: LogEntry): string {
  return JSON.stringify(line, (_key, value: unknown) => {
    if (value instanceof Error) return { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause };
    if (typeof value === "bigint" || typeof value === "symbol") return String(value);
    return value;
  });
}

/** The one line per request: the summary of its answer. */
const requestLine = (lines: LogEntry[]) => {
  const found = lines.filter((line) => "durationMs" in line);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("an HttpError: its status, as an RFC 9457 problem", () => {
  it.each([
    [400, "Bad Request"],
    [401, "Unauthorized"],
    [403, "Forbidden"],
    [404, "Not Found"],
    [409, "Conflict"],
    [418, "Client Error"],
    [422, "Unprocessable Content"],
    [429, "Too Many Requests"],
    [499, "Client Error"],
    [500, "Internal Server Error"],
    [502, "Bad Gateway"],
    [503, "Service Unavailable"],
    [504, "Gateway Timeout"],
    [599, "Server Error"],
  ])("%d: exactly type, title (%s), status, detail and requestId", async (status, title) => {
    const got = await throwing(new HttpError(status, `detail of ${status}`)).send();
    expectProblem(got, { status, title, detail: `detail of ${status}` });
  });

  it("with field errors: exactly type, title, status, detail, requestId and errors", async () => {
    const errors = [
      { pointer: "/body/a", detail: "too short" },
      { pointer: "/query/b", detail: "missing" },
    ];
    const got = await throwing(new HttpError(422, "two problems", { errors })).send();
    const doc = expectProblem(got, { status: 422, title: "Unprocessable Content", detail: "two problems", errors });
    expect(doc.errors).toEqual(errors);
  });

  it("its framing, hop-by-hop and request-id headers are dropped, as a result's are; the rest sent", async () => {
    const headers = { "Content-Length": "0", "transfer-encoding": "chunked", connection: "close", "x-request-id": "mine", "Retry-After": "1" };
    const got = await throwing(new HttpError(429, "slow down", { headers })).send();
    expectProblem(got, { status: 429, title: "Too Many Requests", detail: "slow down" });
    for (const name of ["content-length", "transfer-encoding", "connection"]) expect(got.all(name), name).toEqual([]);
    expect(got.all("x-request-id")).toHaveLength(1);
    expect(got.header("retry-after")).toBe("1");
  });

  it("a problem has one content-type, problem+json", async () => {
    const got = await throwing(new HttpError(406, "no", { headers: { "Content-Type": "text/html" } })).send();
    expect(got.all("content-type")).toEqual(["application/problem+json"]);
  });

  it("its headers are sent with the problem", async () => {
    const got = await throwing(new HttpError(429, "slow down", { headers: { "Retry-After": "120" } })).send();
    expectProblem(got, { status: 429, title: "Too Many Requests", detail: "slow down" });
    expect(got.header("retry-after")).toBe("120");
  });

  it("its type, title and extension members are the job's to set", async () => {
    const got = await throwing(
      new HttpError(403, "your balance is 30", { type: "https://example.com/out-of-credit", title: "Out of credit", extensions: { balance: 30 } }),
    ).send();
    expect(got.json()).toEqual({
      type: "https://example.com/out-of-credit",
      title: "Out of credit",
      status: 403,
      detail: "your balance is 30",
      balance: 30,
      requestId: got.header("x-request-id"),
    });
  });

  it("thrown by an extractor: the same answer", async () => {
    const app = serve(
      job(
        {
          user: (): string => {
            throw new HttpError(401, "a bearer token is required", { headers: { "www-authenticate": "Bearer" } });
          },
        },
        () => ({}),
      ),
    );
    const got = await app.send();
    expectProblem(got, { status: 401, title: "Unauthorized", detail: "a bearer token is required" });
    expect(got.header("www-authenticate")).toBe("Bearer");
  });

  it("the problem's requestId is the request's: the caller's x-request-id, else the platform's own", async () => {
    const app = throwing(new HttpError(409, "taken"));
    const given = await app.send({ headers: { "x-request-id": "req-abc.123" } });
    expect((given.json() as { requestId: string }).requestId).toBe("req-abc.123");
    expect(given.header("x-request-id")).toBe("req-abc.123");
    const platform = await app.send({ headers: { "x-request-id": "req-abc.123" } }, { requestId: "platform-id-9" });
    expect((platform.json() as { requestId: string }).requestId).toBe("platform-id-9");
  });

  it("an HttpError with a status that is no error status cannot be made: the job's throw answers 500", async () => {
    const got = await serve(
      job({}, (): JobResult => {
        throw new HttpError(302, "go elsewhere");
      }),
    ).send();
    expectProblem(got, { status: 500, title: "Internal Server Error", detail: fault(got.header("x-request-id")!) });
  });
});

describe("any other throw: 500 that only quotes the request id", () => {
  const secret = "db password is hunter2";

  it.each([
    ["an Error", new Error(secret)],
    ["a TypeError", new TypeError(secret)],
    ["an Error with a cause", new Error("wrapped", { cause: new Error(secret) })],
    ["a string", secret],
    ["an object", { message: secret, status: 400 }],
    ["an object that looks like an HttpError", Object.assign(Object.create(Error.prototype) as object, { status: 404, detail: secret })],
    ["undefined", undefined],
    ["null", null],
  ])("%s", async (_name, thrown) => {
    const app = throwing(thrown);
    const got = await app.send({ headers: { "x-request-id": "quote-me-42" } });
    expectProblem(got, { status: 500, title: "Internal Server Error", detail: fault("quote-me-42") });
    for (const hidden of [secret, "hunter2", "wrapped", "TypeError", "at ", ".ts"]) expect(got.text).not.toContain(hidden);
    const logged = app.lines.find((line) => line.message === "job failed");
    expect(logged).toMatchObject({ severity: "ERROR", requestId: "quote-me-42" });
    expect(logged!.error).toBe(thrown);
  });

  it("an async job's rejection: the same", async () => {
    const app = serve(
      job({}, async (): Promise<JobResult> => {
        await Promise.resolve();
        throw new Error(secret);
      }),
    );
    const got = await app.send();
    expectProblem(got, { status: 500, title: "Internal Server Error", detail: fault(got.header("x-request-id")!) });
    expect(got.text).not.toContain(secret);
    expect(app.lines.find((line) => line.message === "job failed")).toMatchObject({ severity: "ERROR", requestId: got.header("x-request-id") });
  });

  it("each request quotes its own id: a fresh one when none is given", async () => {
    const app = throwing(new Error("x"));
    const a = await app.send();
    const b = await app.send();
    expect(a.header("x-request-id")).not.toBe(b.header("x-request-id"));
    expect((a.json() as { detail: string }).detail).toBe(fault(a.header("x-request-id")!));
    expect((b.json() as { detail: string }).detail).toBe(fault(b.header("x-request-id")!));
  });
});

describe("logging of errors", () => {
  it("a 4xx HttpError is no server error: one INFO line, nothing at ERROR", async () => {
    const app = throwing(new HttpError(404, "no such thing"));
    await app.send({ headers: { "x-request-id": "id-404" } });
    expect(app.lines.map((line) => line.severity)).toEqual(["INFO"]);
    expect(requestLine(app.lines)).toMatchObject({ severity: "INFO", status: 404, requestId: "id-404" });
  });

  it.each([500, 502, 503, 599])("a job throwing a %d HttpError is logged at ERROR with the request id", async (status) => {
    const thrown = new HttpError(status, "upstream is down");
    const app = throwing(thrown);
    await app.send({ headers: { "x-request-id": `id-${status}` } });
    const logged = app.lines.find((line) => line.message === "job answered a server error");
    expect(logged).toMatchObject({ severity: "ERROR", requestId: `id-${status}`, status });
    expect(logged!.error).toBe(thrown);
    expect(requestLine(app.lines)).toMatchObject({ severity: "ERROR", status, requestId: `id-${status}` });
  });

  it("an extractor throwing a 5xx HttpError is logged at ERROR too", async () => {
    const app = serve(
      job(
        {
          tenant: (): string => {
            throw new HttpError(503, "tenant store unavailable");
          },
        },
        () => ({}),
      ),
    );
    await app.send({ headers: { "x-request-id": "id-x" } });
    expect(app.lines.find((line) => line.message === "job answered a server error")).toMatchObject({ severity: "ERROR", requestId: "id-x", status: 503 });
  });

  const serverErrors: [string, () => ReturnType<typeof serve>][] = [
    ["a 500 HttpError", () => throwing(new HttpError(500, "x"))],
    ["a 503 HttpError", () => throwing(new HttpError(503, "x"))],
    ["a thrown Error", () => throwing(new Error("x"))],
    ["a thrown string", () => throwing("x")],
    ["a result that cannot be sent", () => serve(job({}, () => ({ status: 99 })))],
    ["a header that would split the response", () => serve(job({}, () => ({ headers: { "x-a": "1\r\n" } })))],
    [
      "an HttpError with an unsafe header",
      () => throwing(new HttpError(401, "x", { headers: { "www-authenticate": "a\nb" } })),
    ],
    [
      "a job past its deadline",
      () =>
        serve(
          job({}, (_input, ctx) => new Promise<JobResult>((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)))),
          { timeout: 5 },
        ),
    ],
  ];

  it.each(serverErrors)("%s: never a line at INFO; the request line at ERROR", async (_name, make) => {
    const app = make();
    const got = await app.send();
    expect(got.status).toBeGreaterThanOrEqual(500);
    expect(app.lines.filter((line) => line.severity === "INFO")).toEqual([]);
    expect(requestLine(app.lines)).toMatchObject({ severity: "ERROR", status: got.status, requestId: got.header("x-request-id") });
  });
});

describe("no log line carries the query, a header or the body", () => {
  const secrets = ["Q-SECRET-1", "Q-SECRET-2", "H-SECRET-3", "H-SECRET-4", "H-SECRET-5", "B-SECRET-6", "B-SECRET-7"];
  const query = "token=Q-SECRET-1&name=Q-SECRET-2";
  const headers = {
    authorization: "Bearer H-SECRET-3",
    cookie: "sid=H-SECRET-4",
    "x-api-key": "H-SECRET-5",
    "content-type": "application/json",
  };
  const body = '{"password":"B-SECRET-6","name":"B-SECRET-7"}';

  const readsAll = {
    query: v.record(v.string(), v.string()),
    headers: v.looseObject({ authorization: v.string() }),
    body: v.looseObject({ password: v.string() }),
  };

  const app = serve(
    routes({
      "POST /ok": job(readsAll, ({ query, body }, ctx) => {
        ctx.log.info("working");
        return { body: { n: Object.keys(query).length + Object.keys(body).length } };
      }),
      "POST /invalid": job(
        {
          query: v.object({ token: v.pipe(v.string(), v.minLength(100)) }),
          headers: v.object({ authorization: v.pipe(v.string(), v.maxLength(3)) }),
          body: v.object({ password: v.number(), name: v.picklist(["a"]) }),
        },
        () => ({}),
      ),
      "POST /client-error": job(readsAll, () => {
        throw new HttpError(403, "not yours");
      }),
      "POST /server-error": job(readsAll, () => {
        throw new HttpError(503, "down for maintenance");
      }),
      "POST /throws": job(readsAll, () => {
        throw new Error("kaput");
      }),
      "POST /extractor": job(
        {
          tenant: (_req: RequestView): string => {
            throw new Error("lookup failed");
          },
        },
        () => ({}),
      ),
      "POST /small": job(readsAll, () => ({}), { bodyLimit: 10 }),
      "POST /slow": job(
        readsAll,
        (_input, ctx) =>
          new Promise<JobResult>((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("gave up")))),
        { timeout: 5 },
      ),
      "GET /get-only": job({}, () => ({})),
    }),
  );

  const cases: [string, Sent, number][] = [
    ["a success", { path: "/ok" }, 200],
    ["a schema refusing every part", { path: "/invalid" }, 400],
    ["malformed JSON", { path: "/ok", body: '{"password":"B-SECRET-6","name":"B-SECRET-7"' }, 400],
    ["bad percent-encoding in the query", { path: "/ok", query: "token=Q-SECRET-1%zz&name=Q-SECRET-2" }, 400],
    ["a media type the job does not read", { path: "/ok", headers: { ...headers, "content-type": "text/plain" } }, 415],
    ["a body over the limit", { path: "/small" }, 413],
    ["a 4xx HttpError", { path: "/client-error" }, 403],
    ["a 5xx HttpError", { path: "/server-error" }, 503],
    ["a thrown Error", { path: "/throws" }, 500],
    ["a failing extractor", { path: "/extractor" }, 400],
    ["a deadline", { path: "/slow" }, 504],
    ["no route", { path: "/nowhere" }, 404],
    ["a wrong method", { path: "/get-only" }, 405],
  ];

  it.each(cases)("%s", async (_name, sent, status) => {
    const before = app.lines.length;
    const got = await app.send({ method: "POST", query, headers, body: utf8(body), ...sent });
    expect(got.status, got.text).toBe(status);
    // A deadline's late failure is logged once the job settles: wait for it to be written.
    if (status === 504) await new Promise((resolve) => setTimeout(resolve, 20));
    const lines = app.lines.slice(before);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const text = written(line);
      for (const secret of secrets) expect(text, `${secret} in ${text}`).not.toContain(secret);
    }
    const summary = requestLine(lines);
    expect(Object.keys(summary).sort()).toEqual(["durationMs", "message", "method", "path", "platform", "requestId", "severity", "status"]);
    expect(summary).toMatchObject({ method: "POST", path: sent.path, status, message: `POST ${sent.path} ${status}` });
  });
});
