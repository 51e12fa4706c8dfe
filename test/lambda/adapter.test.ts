/** What `wrap` does beyond the contract: deadline, waitUntil, options, bodies and events it refuses. */
import * as v from "valibot";
import { describe, expect, it, vi } from "vitest";
import { cors, job, routes } from "jobwrap";
import { kindOf, wrap, type LambdaHttpEvent } from "jobwrap/lambda";
import { albEvent, eventFor, fixture, kinds, responseOf, urlEvent, v1Event, v2Event, type Json } from "./events.js";

const run = (handler: ReturnType<typeof wrap>, event: Json, context: Json = {}) =>
  handler(event as LambdaHttpEvent, context) as Promise<Json>;

const paths = routes({
  "GET /user/:name": job({ params: v.object({ name: v.string() }) }, ({ params }, ctx) => ({ body: { name: params.name, env: ctx.env === process.env } })),
  "GET /files/:file": job({ params: v.object({ file: v.string() }), raw: (req) => req.path }, ({ params, raw }) => ({ body: { file: params.file, raw } })),
  "GET /Prod/user/:name": job({}, () => ({ body: "the stage was kept" })),
});

describe("wrap (jobwrap/lambda)", () => {
  it("sets the deadline from getRemainingTimeInMillis less the safety margin: 504 before Lambda ends the invocation", async () => {
    let deadline: number | undefined;
    const handler = wrap(
      job({}, async (_input, ctx) => {
        deadline = ctx.deadline;
        await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
        return { body: "too late" };
      }),
      { log: false, safetyMargin: 100 },
    );
    // Timed from when the adapter asks the runtime, not from before the call: a busy machine may run the handler late.
    let asked = 0;
    const getRemainingTimeInMillis = () => {
      asked = Date.now();
      return 400;
    };
    const result = await run(handler, fixture("apigw-v2-basic.json"), { awsRequestId: "r1", getRemainingTimeInMillis });
    const took = Date.now() - asked;
    expect(result.statusCode).toBe(504);
    expect(deadline! - asked).toBeGreaterThanOrEqual(299);
    expect(deadline! - asked).toBeLessThanOrEqual(301);
    expect(took).toBeGreaterThanOrEqual(295);
    expect(took).toBeLessThan(400);
  });

  it("sets no timer for an invocation answered without waiting on anything, and still answers 504 for one that waits", async () => {
    // A cold start's first timer costs a quarter of its first event: set only for a job still unfinished once the turn's microtasks are done.
    const handler = wrap(
      routes({
        "GET /now": job({}, () => ({ body: "now" })),
        "GET /never": job({}, () => new Promise<never>(() => {})),
      }),
      { log: false, safetyMargin: 0 },
    );
    const timers = vi.spyOn(globalThis, "setTimeout");
    try {
      // A deadline earlier than any timer an earlier spec left set: without the deferral, it would need one.
      const answered = await run(handler, eventFor("v2", { method: "GET", path: "/now" }), { getRemainingTimeInMillis: () => 50 });
      const setForIt = timers.mock.calls.length;
      const waited = await run(handler, eventFor("v2", { method: "GET", path: "/never" }), { getRemainingTimeInMillis: () => 50 });
      expect([answered.statusCode, setForIt, waited.statusCode]).toEqual([200, 0, 504]);
      expect(timers.mock.calls.length).toBeGreaterThan(0);
    } finally {
      timers.mockRestore();
    }
  });

  it("keeps back at most a quarter of a short remaining time", async () => {
    let budget: number | undefined;
    const handler = wrap(job({}, (_input, ctx) => ((budget = ctx.deadline! - Date.now()), {})), { log: false });
    await run(handler, fixture("apigw-v2-basic.json"), { getRemainingTimeInMillis: () => 1_000 });
    expect(budget).toBeGreaterThan(700);
    expect(budget).toBeLessThanOrEqual(750);
    await run(handler, fixture("apigw-v2-basic.json"), { getRemainingTimeInMillis: () => 60_000 });
    expect(budget).toBeGreaterThan(59_400);
    expect(budget).toBeLessThanOrEqual(59_500);
  });

  it("has no deadline without a context, and names the request itself", async () => {
    let seen: Json;
    const handler = wrap(job({}, (_input, ctx) => ((seen = { deadline: ctx.deadline, id: ctx.requestId }), {})), { log: false });
    const result = await run(handler, fixture("apigw-v2-basic.json"), undefined);
    expect(seen.deadline).toBeUndefined();
    expect(result.headers["x-request-id"]).toBe(seen.id);
  });

  it("awaits ctx.waitUntil work before returning the result, also work added by that work", async () => {
    const done: string[] = [];
    const later = (ms: number, name: string) => new Promise<void>((resolve) => setTimeout(() => (done.push(name), resolve()), ms));
    const handler = wrap(
      job({}, (_input, ctx) => {
        ctx.waitUntil(later(30, "first").then(() => ctx.waitUntil(later(10, "second"))));
        ctx.waitUntil(Promise.reject(new Error("logged, not thrown")));
        return { body: "ok" };
      }),
      { log: false },
    );
    const result = await run(handler, fixture("alb-single-value.json"));
    expect(result.body).toBe("ok");
    expect(done).toEqual(["first", "second"]);
  });

  it("refuses an event that is no HTTP request, naming the sources it knows", async () => {
    const handler = wrap(job({}, () => ({})), { log: false });
    await expect(run(handler, { Records: [{ eventSource: "aws:sqs" }] })).rejects.toThrow(/not an HTTP request from API Gateway/);
    await expect(run(handler, null)).rejects.toThrow(TypeError);
  });

  it("strips basePath for custom domains, for every kind", async () => {
    const handler = wrap(paths, { log: false, basePath: "api/" });
    for (const kind of kinds) {
      const result = await run(handler, eventFor(kind, { method: "GET", path: "/api/user/Alice" }));
      expect(result.statusCode, kind).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ name: "Alice", env: true });
    }
    // Only at a segment boundary.
    expect((await run(handler, v1Event({ method: "GET", path: "/apix/user/Alice" }))).statusCode).toBe(404);
  });

  it("routes a REST API event that carries a rawPath (a custom domain's base path mapping) on its path and method", async () => {
    const posts = routes({ "POST /user/:name": job({ params: v.object({ name: v.string() }) }, ({ params }) => ({ body: { name: params.name } })) });
    const handler = wrap(posts, { log: false, basePath: "api" });
    const event = fixture("apigw-v1-custom-domain-rawpath-added.json");
    event.path = "/user/Alice";
    event.rawPath = "/api/user/Alice";
    const result = await run(handler, event);
    expect(result).toMatchObject({ statusCode: 200, body: '{"name":"Alice"}' });
    // A REST API's result shape: payload 2.0's would carry no multiValueHeaders and put cookies apart.
    expect(Object.keys(result).sort()).toEqual(["body", "headers", "isBase64Encoded", "statusCode"]);
    // Where `path` keeps the mapping too, `basePath` strips it as for any custom domain.
    event.path = "/api/user/Alice";
    expect((await run(handler, event)).statusCode).toBe(200);
  });

  it("tells payload 2.0 by its requestContext.http object, neither by rawPath nor by version alone", () => {
    const rest = fixture("apigw-v1-custom-domain-rawpath-added.json");
    expect(kindOf(rest)).toBe("v1");
    expect(kindOf({ ...rest, version: "2.0" })).toBe("v1");
    const http = fixture("apigw-v2-basic.json");
    expect(kindOf(http)).toBe("v2");
    expect(kindOf({ ...http, version: "1.0", rawPath: undefined })).toBe("v2");
    expect(kindOf({ ...http, httpMethod: "GET" })).toBe("v2");
    // Without its http object a 2.0 event is still one by what it says of itself; read, it answers 400 if malformed.
    expect(kindOf({ ...http, requestContext: { ...http.requestContext, http: "GET" } })).toBe("v2");
    expect(kindOf({ ...http, requestContext: null })).toBe("v2");
    expect(kindOf(fixture("alb-single-value.json"))).toBe("alb");
    expect(kindOf({ Records: [] })).toBeUndefined();
    for (const value of [null, undefined, 42, "GET /", [fixture("apigw-v2-basic.json")]]) expect(kindOf(value)).toBeUndefined();
    // Neither http object nor httpMethod: payload 2.0 by its version or its rawPath alone.
    expect(kindOf({ version: "2.0" })).toBe("v2");
    expect(kindOf({ rawPath: "/x" })).toBe("v2");
    expect(kindOf({ version: "1.0" })).toBeUndefined();
  });

  it("strips a named HTTP API stage from rawPath unless told not to; $default has none", async () => {
    const event = v2Event({ method: "GET", path: "/user/Alice" });
    expect(event.rawPath).toBe("/Prod/user/Alice");
    expect(JSON.parse((await run(wrap(paths, { log: false }), event)).body)).toEqual({ name: "Alice", env: true });
    expect((await run(wrap(paths, { log: false, stripStage: false }), event)).body).toBe("the stage was kept");
    const own = structuredClone(event);
    own.requestContext.stage = "$default";
    expect((await run(wrap(paths, { log: false }), own)).body).toBe("the stage was kept");
  });

  it("encodes again what an HTTP API decoded in rawPath, so a decoded ? or space stays in the path", async () => {
    const event = fixture("apigw-v2-basic.json");
    event.rawPath = "/files/a b?c#d%zz é";
    const result = await run(wrap(paths, { log: false }), event);
    expect(JSON.parse(result.body)).toEqual({ file: "a b?c#d%zz é", raw: "/files/a%20b%3Fc%23d%25zz%20%C3%A9" });
    // Paths still encoded (REST APIs, Function URLs, ALB) come through unchanged.
    const encoded = await run(wrap(paths, { log: false }), albEvent({ method: "GET", path: "/files/a%20b%2Fc" }, false));
    expect(JSON.parse(encoded.body)).toEqual({ file: "a b/c", raw: "/files/a%20b%2Fc" });
  });

  it("answers 400 to a body that is not valid base64, and 413 past the limit before decoding it all", async () => {
    const bytes = job({ body: v.instance(Uint8Array) }, ({ body }) => ({ body }), { accept: "bytes", bodyLimit: 16 });
    const handler = wrap(bytes, { log: false });
    const bad = fixture("function-url-base64.json");
    bad.body = "PGlkay8+!!";
    const refused = await run(handler, bad);
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ detail: "The body is not valid base64", errors: [{ pointer: "/body" }] });
    const large = fixture("alb-base64.json");
    large.body = Buffer.alloc(64, 1).toString("base64");
    expect((await run(handler, large)).statusCode).toBe(413);
    const text = fixture("apigw-v1-multivalue.json");
    text.body = "x".repeat(17);
    expect((await run(handler, text)).statusCode).toBe(413);
  });

  it("sends bytes as base64 and text as text to every kind; a stream in a textual type as text", async () => {
    const app = routes({
      "GET /bytes": job({}, () => ({ body: new Uint8Array([0, 255, 128]) })),
      "GET /text-stream": job({}, () => ({
        headers: { "content-type": "application/json" },
        body: new Blob(['{"a":', "1}"]).stream(),
      })),
      "GET /bad-text-stream": job({}, () => ({ headers: { "content-type": "text/plain" }, body: new Blob([new Uint8Array([0xff, 0xfe])]).stream() })),
      "GET /octets": job({}, () => ({ body: new Blob(["abc"]).stream() })),
    });
    const handler = wrap(app, { log: false });
    for (const kind of kinds) {
      const bytes = await run(handler, eventFor(kind, { method: "GET", path: "/bytes" }));
      expect(bytes.isBase64Encoded, kind).toBe(true);
      expect([...responseOf(bytes).body]).toEqual([0, 255, 128]);
      const text = await run(handler, eventFor(kind, { method: "GET", path: "/text-stream" }));
      expect(text).toMatchObject({ isBase64Encoded: false, body: '{"a":1}' });
      const bad = await run(handler, eventFor(kind, { method: "GET", path: "/bad-text-stream" }));
      expect(bad).toMatchObject({ isBase64Encoded: true, body: "//4=" });
      const octets = await run(handler, eventFor(kind, { method: "GET", path: "/octets" }));
      expect(octets).toMatchObject({ isBase64Encoded: true, body: Buffer.from("abc").toString("base64") });
    }
  });

  it("answers 500 when a stream body fails while it is read whole, nothing of the error in it", async () => {
    const logs: Json[] = [];
    const handler = wrap(
      job({}, () => ({
        body: new ReadableStream<Uint8Array>({
          pull(controller) {
            controller.error(new Error("disk on fire"));
          },
        }),
      })),
      { log: (entry) => logs.push(entry) },
    );
    const result = await run(handler, fixture("apigw-v1-cookies.json"), { awsRequestId: "broken-stream" });
    expect(result.statusCode).toBe(500);
    expect(result.headers).toMatchObject({ "content-type": "application/problem+json", "x-request-id": "broken-stream" });
    expect(result.body).not.toContain("disk on fire");
    expect(JSON.parse(result.body)).toMatchObject({ status: 500, requestId: "broken-stream" });
    expect(logs.some((entry) => entry.severity === "ERROR" && entry.requestId === "broken-stream")).toBe(true);
  });

  it("the 500 for a stream that fails after its first chunk, while it is read whole, carries the CORS headers of any other answer", async () => {
    const origin = "https://web.test";
    const handler = wrap(
      job({}, () => {
        let sent = false;
        // Its first chunk comes (core answers with it); the failure after, while the adapter reads the rest.
        const pull = (controller: ReadableStreamDefaultController<Uint8Array>) =>
          sent ? controller.error(new Error("disk on fire")) : ((sent = true), controller.enqueue(new Uint8Array([1])));
        return { body: new ReadableStream<Uint8Array>({ pull }) };
      }),
      { log: false, cors: cors({ origin: [origin], credentials: true }) },
    );
    for (const kind of kinds) {
      const result = await run(handler, eventFor(kind, { method: "GET", path: "/", headers: { origin } }), { awsRequestId: "broken-stream" });
      const response = responseOf(result);
      expect(response.status, kind).toBe(500);
      expect(response.headers, kind).toMatchObject({
        "access-control-allow-origin": [origin],
        "access-control-allow-credentials": ["true"],
        "access-control-expose-headers": ["x-request-id"],
        vary: ["Origin"],
        "x-request-id": ["broken-stream"],
      });
    }
  });

  it("answers HEAD with the GET's headers and content-length, and no body", async () => {
    const handler = wrap(paths, { log: false });
    const result = await run(handler, urlEvent({ method: "HEAD", path: "/user/Bob" }));
    expect(result).toMatchObject({ statusCode: 200, body: "", isBase64Encoded: false });
    expect(result.headers["content-length"]).toBe(String('{"name":"Bob","env":true}'.length));
  });

  it("joins the cookies array with a cookie header that holds others, each cookie once", async () => {
    const handler = wrap(job({ cookie: (req) => req.headers.cookie }, ({ cookie }) => ({ body: cookie ?? "" })), { log: false });
    const event = fixture("function-url-cookies.json");
    event.headers.cookie = "foo=bar; extra=1";
    expect((await run(handler, event)).body).toBe("foo=bar; extra=1; hello=hello");
  });

  it("reads the single-value maps of a REST event whose multi-value maps are empty, as an event written by hand may be", async () => {
    const handler = wrap(
      job({ seen: (req) => ({ headers: { ...req.headers }, query: req.query, constructor: req.headers.constructor ?? null }) }, ({ seen }) => ({ body: seen })),
      { log: false },
    );
    const event = fixture("apigw-v1-base64.json");
    event.multiValueHeaders = {};
    event.queryStringParameters = { "a b": "1+1" };
    event.multiValueQueryStringParameters = {};
    const seen = JSON.parse((await run(handler, event)).body);
    expect(seen.headers).toMatchObject({ "content-type": "application/x-www-form-urlencoded", "user-agent": "PostmanRuntime/7.20.1" });
    expect(seen.query).toBe("a%20b=1%2B1");
    // No header named so: nothing of Object.prototype shows through the header map.
    expect(seen.constructor).toBeNull();
  });

  it("keeps a header called __proto__ and constructor like any other", async () => {
    const handler = wrap(job({}, () => ({ headers: Object.fromEntries([["__proto__", "p"], ["constructor", "c"]]), body: "x" })), { log: false });
    for (const kind of kinds) {
      const response = responseOf(JSON.parse(JSON.stringify(await run(handler, eventFor(kind, { method: "GET", path: "/" })))));
      expect(response.headers.constructor, kind).toEqual(["c"]);
      expect(response.headers["__proto__"], kind).toEqual(["p"]);
    }
  });
});
