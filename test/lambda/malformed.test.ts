/**
 * Events of the right source with fields of the wrong type, and failures outside the job: `wrap`
 * answers each in its source's result shape (400 naming the field, or 500) and never rejects,
 * which Lambda would turn into a bare 502. What is no HTTP event at all still rejects, naming
 * what it got but none of its values.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { cors, HttpError, job, type LogEntry } from "jobwrap";
import { kindOf, wrap, type LambdaHttpEvent } from "jobwrap/lambda";
import { echo } from "./echo.js";
import { fixture, templates, type Json, type Kind } from "./events.js";

const requestId = "malformed-req";
/** Answers what it saw, with no header that would make the result shape differ by kind. */
const look = job({ seen: (req) => ({ method: req.method, path: req.path }), body: v.instance(Uint8Array) }, ({ seen, body }) => ({ body: { ...seen, bytes: body.length } }), {
  accept: "bytes",
});
/** Planted in each event beside the wrong field: it must reach no log line and no answer. */
const marker = "MARKER-9f2c-do-not-log";

function run(handler: ReturnType<typeof wrap>, event: Json, context: Json = { awsRequestId: requestId }) {
  return handler(event as LambdaHttpEvent, context) as Promise<Json>;
}

function withLogs<T>(make: (log: (entry: LogEntry) => void) => T): { handler: T; logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  return { handler: make((entry) => logs.push(entry)), logs };
}

/** Sets `value` at `path` of a copy of the kind's template, with the marker in a header beside it. */
function template(kind: Kind, path: string[], value: unknown): Json {
  const event = fixture(templates[kind]);
  const headers = kind === "alb-multi" || kind === "v1" ? event.multiValueHeaders : event.headers;
  if (headers && typeof headers === "object") headers["x-marker"] = kind === "alb-multi" || kind === "v1" ? [marker] : marker;
  let at = event;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path.at(-1)!] = value;
  return event;
}

/** The result keys each source accepts. */
function expectShape(kind: "v1" | "v2" | "alb", multi: boolean, result: Json): void {
  const keys = Object.keys(result).sort();
  if (kind === "v2") expect(keys).toEqual(["body", "headers", "isBase64Encoded", "statusCode"]);
  else if (kind === "v1") expect(keys).toEqual(["body", "headers", "isBase64Encoded", "statusCode"]);
  else if (multi) expect(keys).toEqual(["body", "isBase64Encoded", "multiValueHeaders", "statusCode", "statusDescription"]);
  else expect(keys).toEqual(["body", "headers", "isBase64Encoded", "statusCode", "statusDescription"]);
}

function headerOf(result: Json, name: string): string | undefined {
  return result.headers?.[name] ?? result.multiValueHeaders?.[name]?.[0];
}

const wrongTypes: [Kind, string[], unknown, string][] = [
  ["v1", ["httpMethod"], 5, "/httpMethod"],
  ["v1", ["path"], ["/no-auth"], "/path"],
  ["v1", ["multiValueHeaders"], "accept: */*", "/multiValueHeaders"],
  ["v1", ["multiValueHeaders", "Accept"], "*/*", "/multiValueHeaders"],
  ["v1", ["multiValueHeaders", "Accept"], [1], "/multiValueHeaders"],
  ["v1", ["multiValueQueryStringParameters"], { a: "1" }, "/multiValueQueryStringParameters"],
  ["v1", ["multiValueQueryStringParameters"], "a=1", "/multiValueQueryStringParameters"],
  ["v1", ["queryStringParameters"], { a: ["1"] }, "/queryStringParameters"],
  ["v1", ["body"], 42, "/body"],
  ["v1", ["body"], { json: true }, "/body"],
  ["v1", ["isBase64Encoded"], "true", "/isBase64Encoded"],
  ["v2", ["cookies"], "cookie1=value1", "/cookies"],
  ["v2", ["cookies"], [1, 2], "/cookies"],
  ["v2", ["rawPath"], 7, "/rawPath"],
  ["v2", ["requestContext", "http", "method"], {}, "/requestContext/http/method"],
  ["v2", ["requestContext", "http"], "POST", "/requestContext/http"],
  ["v2", ["requestContext", "stage"], 1, "/requestContext/stage"],
  ["v2", ["headers", "header1"], { nested: { deep: 1 } }, "/headers"],
  ["v2", ["headers", "header1"], ["value1"], "/headers"],
  ["v2", ["rawQueryString"], { parameter1: "value1" }, "/rawQueryString"],
  ["v2", ["isBase64Encoded"], 0, "/isBase64Encoded"],
  ["url", ["headers"], ["content-type", "application/json"], "/headers"],
  ["url", ["body"], [123], "/body"],
  ["alb-single", ["headers", "host"], 1, "/headers"],
  ["alb-single", ["queryStringParameters"], [], "/queryStringParameters"],
  ["alb-single", ["httpMethod"], true, "/httpMethod"],
  ["alb-multi", ["multiValueHeaders", "cookie"], "name1=value1", "/multiValueHeaders"],
  ["alb-multi", ["multiValueQueryStringParameters", "myKey"], [null], "/multiValueQueryStringParameters"],
  ["alb-multi", ["multiValueQueryStringParameters"], ["myKey=1"], "/multiValueQueryStringParameters"],
  ["v2", ["requestContext"], ["http"], "/requestContext"],
  ["alb-single", ["path"], 5, "/path"],
  ["alb-single", ["body"], 5, "/body"],
  ["alb-single", ["isBase64Encoded"], "false", "/isBase64Encoded"],
];

describe("wrap (jobwrap/lambda) with malformed HTTP events", () => {
  for (const [kind, path, value, pointer] of wrongTypes) {
    it(`${kind}: ${path.join(".")} = ${JSON.stringify(value)} answers 400 naming ${pointer}, in the ${kind} shape`, async () => {
      const { handler, logs } = withLogs((log) => wrap(echo, { log }));
      const event = template(kind, path, value);
      const source = kindOf(event)!;
      expect(source).toBe(kind === "url" ? "v2" : kind.startsWith("alb") ? "alb" : kind);
      const result = await run(handler, event);
      expect(result.statusCode).toBe(400);
      expectShape(source, kind === "alb-multi", result);
      expect(headerOf(result, "content-type")).toBe("application/problem+json");
      expect(headerOf(result, "x-request-id")).toBe(requestId);
      const problem = JSON.parse(result.body);
      expect(problem).toMatchObject({ type: "about:blank", title: "Bad Request", status: 400, requestId, errors: [{ pointer }] });
      expect(result.body).not.toContain(marker);
      // One line, with the request id and nothing of the event.
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ severity: "WARNING", requestId, status: 400 });
      expect(JSON.stringify(logs)).not.toContain(marker);
    });
  }

  it("the 400 carries the app's CORS headers, for no origin: the event's headers are not read", async () => {
    const origin = "https://web.test";
    const event = () => {
      const malformed = template("v2", ["cookies"], 1);
      malformed.headers.origin = origin;
      return malformed;
    };
    const listed = await run(wrap(echo, { log: false, cors: cors({ origin: [origin] }) }), event());
    expect(listed.statusCode).toBe(400);
    expect(listed.headers.vary).toBe("Origin");
    expect(listed.headers["access-control-allow-origin"]).toBeUndefined();
    const any = await run(wrap(echo, { log: false, cors: cors({ origin: "*" }) }), event());
    expect(any.statusCode).toBe(400);
    expect(any.headers["access-control-allow-origin"]).toBe("*");
    expect(any.headers["access-control-expose-headers"]).toBe("x-request-id");
  });

  it("with no awsRequestId, the problem carries an id of its own, echoed as x-request-id", async () => {
    const result = await run(wrap(echo, { log: false }), template("v2", ["cookies"], 1), {});
    expect(result.statusCode).toBe(400);
    expect(result.headers["x-request-id"]).toMatch(/^[\da-f-]{36}$/);
    expect(JSON.parse(result.body).requestId).toBe(result.headers["x-request-id"]);
  });

  for (const kind of ["v1", "v2", "url", "alb-single", "alb-multi"] as Kind[]) {
    it(`${kind}: null in every field is read as absent, and answered`, async () => {
      const event = fixture(templates[kind]);
      for (const key of Object.keys(event)) event[key] = null;
      // With requestContext null an ALB event cannot be told from a REST one: it is answered as that.
      const source = kindOf(event);
      expect(source).toBe(kind === "v1" || kind.startsWith("alb") ? "v1" : "v2");
      const result = await run(wrap(look, { log: false }), event);
      expect(result.statusCode).toBe(200);
      expectShape(source!, false, result);
      expect(JSON.parse(result.body)).toEqual({ method: "GET", path: "/", bytes: 0 });
    });
  }
});

/** Values whose reading throws: core touches a thrown value to make its answer and its log line. */
function hostileThrows(): [string, () => unknown][] {
  const throwing = () => {
    throw new Error("read me if you can");
  };
  return [
    ["an HttpError whose status getter throws", () => Object.create(HttpError.prototype, { status: { get: throwing } })],
    ["a Proxy whose prototype cannot be read", () => new Proxy({}, { getPrototypeOf: throwing })],
    ["a Proxy whose every property read throws", () => new Proxy({}, { get: throwing, ownKeys: throwing })],
    ["an object whose message getter throws", () => Object.defineProperty(new Error(), "message", { get: throwing })],
  ];
}

describe("wrap (jobwrap/lambda) when a job throws a value that throws when read", () => {
  for (const [name, make] of hostileThrows()) {
    it(`${name}: 500 problem in the source's shape, logged with the request id`, async () => {
      const { handler, logs } = withLogs((log) =>
        wrap(
          job({}, () => {
            throw make();
          }),
          { log },
        ),
      );
      const result = await run(handler, fixture("apigw-v2-basic.json"));
      expect(result.statusCode).toBe(500);
      expectShape("v2", false, result);
      expect(result.headers["content-type"]).toBe("application/problem+json");
      expect(result.headers["x-request-id"]).toBe(requestId);
      expect(JSON.parse(result.body)).toMatchObject({ status: 500, requestId });
      expect(result.body).not.toContain("read me");
      // Core answers them all itself: the failure's line, then the request's own, both at ERROR.
      const errors = logs.filter((entry) => entry.severity === "ERROR");
      expect(errors.map((entry) => [entry.requestId, entry.message === "GET / 500"])).toEqual([
        [requestId, false],
        [requestId, true],
      ]);
    });
  }

  it("with the console sink too, whatever the thrown value holds", async () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      for (const [, make] of hostileThrows()) {
        const handler = wrap(
          job({}, () => {
            throw make();
          }),
        );
        const result = await run(handler, fixture("alb-multivalue.json"));
        expect(result.statusCode).toBe(500);
        expectShape("alb", true, result);
      }
    } finally {
      console.log = log;
    }
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("a log sink that throws does not cost the invocation its answer", async () => {
    const handler = wrap(
      job({}, () => ({ body: "ok" })),
      {
        log: () => {
          throw new Error("sink down");
        },
      },
    );
    for (const event of [fixture("apigw-v2-basic.json"), template("v2", ["cookies"], 1)]) {
      const result = await run(handler, event);
      expect(result.statusCode).toBeGreaterThanOrEqual(200);
      expect(typeof result.body).toBe("string");
    }
  });
});

describe("the 400 for a malformed event names the type its source sends", () => {
  const cases: [Kind, string[], unknown, string, string][] = [
    ["v1", ["httpMethod"], 5, "/httpMethod", "a string"],
    ["v1", ["isBase64Encoded"], "true", "/isBase64Encoded", "a boolean"],
    ["v1", ["multiValueHeaders"], "accept: */*", "/multiValueHeaders", "an object"],
    ["v1", ["multiValueHeaders", "Accept"], "*/*", "/multiValueHeaders", "an object of lists of strings"],
    ["v2", ["cookies"], "a=1", "/cookies", "a list of strings"],
    ["v2", ["headers", "header1"], 1, "/headers", "an object of strings"],
  ];
  for (const [kind, path, value, pointer, expected] of cases) {
    it(`${kind}: ${path.join(".")} = ${JSON.stringify(value)}: ${pointer} is not ${expected}, in the problem and the WARNING line`, async () => {
      const { handler, logs } = withLogs((log) => wrap(echo, { log }));
      const result = await run(handler, template(kind, path, value));
      const detail = `The event is not one its source sends: ${pointer} is not ${expected}`;
      expect(JSON.parse(result.body)).toMatchObject({ detail, errors: [{ pointer, detail: `expected ${expected}` }] });
      expect(logs).toEqual([expect.objectContaining({ severity: "WARNING", message: `answered 400 to a malformed event: ${detail}`, status: 400, platform: "lambda" })]);
    });
  }
});

describe("a REST event read field by field where its top-level fields are missing", () => {
  const answered = async (change: (event: Json) => void) => {
    const event = fixture(templates.v1);
    change(event);
    const result = await run(wrap(job({ method: (req) => req.method }, ({ method }) => ({ body: { method } })), { log: false }), event);
    return { status: result.statusCode as number, body: JSON.parse(result.body) };
  };

  it("without httpMethod, requestContext.httpMethod is the method; of the wrong type, or a requestContext that is no object, a 400 naming it", async () => {
    expect(await answered((event) => ((event.httpMethod = null), (event.requestContext.httpMethod = "PUT")))).toEqual({ status: 200, body: { method: "PUT" } });
    const wrongMethod = await answered((event) => ((event.httpMethod = null), (event.requestContext.httpMethod = 5)));
    expect(wrongMethod).toMatchObject({ status: 400, body: { errors: [{ pointer: "/requestContext/httpMethod" }] } });
    const wrongContext = await answered((event) => ((event.httpMethod = null), (event.requestContext = "prod")));
    expect(wrongContext).toMatchObject({ status: 400, body: { errors: [{ pointer: "/requestContext" }] } });
  });

  it("with an empty multiValueHeaders, headers of the wrong type: a 400 naming /headers", async () => {
    const wrong = await answered((event) => ((event.multiValueHeaders = {}), (event.headers = "accept: */*")));
    expect(wrong).toMatchObject({ status: 400, body: { errors: [{ pointer: "/headers" }] } });
  });
});

describe("wrap (jobwrap/lambda) with events that are no HTTP request", () => {
  const handler = wrap(job({}, () => ({})), { log: false });
  const cases: [unknown, RegExp][] = [
    [null, /; it is null$/],
    [undefined, /; it is undefined$/],
    [42, /; it is a number$/],
    ["GET / HTTP/1.1", /; it is a string$/],
    [[{ httpMethod: "GET" }], /; it is an array$/],
    [{}, /; it is an object with no keys$/],
    [{ Records: [{ eventSource: "aws:sqs", body: marker }] }, /; it is an object with keys "Records"$/],
    [{ detail: { secret: marker }, source: "aws.events", "detail-type": "x" }, /; it is an object with keys "detail", "source", "detail-type"$/],
  ];
  for (const [event, message] of cases) {
    it(`rejects ${JSON.stringify(event) ?? "undefined"} with a TypeError naming its type and keys, never a value`, async () => {
      const rejection = run(handler, event);
      await expect(rejection).rejects.toThrow(TypeError);
      await expect(rejection).rejects.toThrow(/^jobwrap\/lambda: the event is not an HTTP request from API Gateway/);
      await expect(rejection).rejects.toThrow(message);
      await expect(rejection).rejects.not.toThrow(new RegExp(marker));
    });
  }

  it("lists exactly ten keys with nothing more, a key of forty characters whole", async () => {
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${"k".repeat(39)}${i}`, i]));
    await expect(run(handler, ten)).rejects.toThrow(/keys ("k{39}\d", ){9}"k{39}9"$/);
  });

  it("lists ten keys at most, each cut short", async () => {
    const many = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`${"k".repeat(60)}${i}`, i]));
    await expect(run(handler, many)).rejects.toThrow(/keys ("k{40}…", ){9}"k{40}…" and 15 more$/);
  });

  it("rejects an event whose properties throw when read, without reading them again", async () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    await expect(run(handler, revoked.proxy)).rejects.toThrow(/; it is a value that cannot be inspected$/);
  });
});
