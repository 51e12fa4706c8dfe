/**
 * What a client receives for a job's answer through every kind of event, built from the real
 * ones: bodies as text or base64 (a view into a larger buffer sent as its own bytes only, a BOM
 * kept), ALB's status line, and the invocation's request id and deadline from its context.
 */
import { describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import { wrap, type LambdaHttpEvent } from "jobwrap/lambda";
import { albEvent, eventFor, fixture, kinds, responseOf, type Json } from "./events.js";

const run = (handler: ReturnType<typeof wrap>, event: Json, context: Json = {}) => handler(event as LambdaHttpEvent, context) as Promise<Json>;

describe("result bodies, for every kind", () => {
  it("empty bytes are an empty text body; a view into a larger buffer sends its own bytes only", async () => {
    const app = routes({
      "GET /empty": job({}, () => ({ headers: { "content-type": "application/octet-stream" }, body: new Uint8Array(0) })),
      "GET /view": job({}, () => ({ body: new Uint8Array([9, 9, 1, 2, 3, 9]).subarray(2, 5) })),
      "GET /buffer": job({}, () => ({ body: Buffer.from([4, 5, 6]) })),
    });
    for (const kind of kinds) {
      const handler = wrap(app, { log: false });
      expect(await run(handler, eventFor(kind, { method: "GET", path: "/empty" })), kind).toMatchObject({ body: "", isBase64Encoded: false });
      expect(await run(handler, eventFor(kind, { method: "GET", path: "/view" })), kind).toMatchObject({ body: "AQID", isBase64Encoded: true });
      expect(await run(handler, eventFor(kind, { method: "GET", path: "/buffer" })), kind).toMatchObject({ body: "BAUG", isBase64Encoded: true });
    }
  });

  it("a textual stream keeps a leading BOM, as the job sent it; its content type is read by name, among other headers", async () => {
    const handler = wrap(
      job({}, () => ({
        headers: { "x-before": "1", "content-type": "text/plain; charset=utf-8", "x-after": "2" },
        body: new Blob([new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69])]).stream(),
      })),
      { log: false },
    );
    for (const kind of kinds) {
      const result = await run(handler, eventFor(kind, { method: "GET", path: "/" }));
      expect(result, kind).toMatchObject({ body: "\ufeffhi", isBase64Encoded: false });
    }
  });

  it("a stream with no content type is bytes, though its bytes are text", async () => {
    const handler = wrap(job({}, () => ({ headers: { "x-type": "text/plain" }, body: new Blob(["hi"]).stream() })), { log: false });
    expect(await run(handler, fixture("apigw-v2-basic.json"))).toMatchObject({ body: "aGk=", isBase64Encoded: true });
  });

  it("ALB's status line: the code and its phrase (its class's for a code with none), the code alone where there is no phrase", async () => {
    const app = routes({
      "GET /teapot": job({}, () => ({ status: 418, body: "short and stout" })),
      "GET /odd": job({}, () => ({ status: 299, body: "odd" })),
    });
    const handler = wrap(app, { log: false });
    for (const multi of [false, true]) {
      expect((await run(handler, albEvent({ method: "GET", path: "/teapot" }, multi))).statusDescription).toBe("418 Client Error");
      expect((await run(handler, albEvent({ method: "GET", path: "/odd" }, multi))).statusDescription).toBe("299");
    }
  });
});

describe("what each source's result carries", () => {
  it("REST: a header set three times is one list in multiValueHeaders, in order", async () => {
    const handler = wrap(job({}, () => ({ headers: { "x-three": ["1", "2", "3"], "x-one": "a" }, body: "" })), { log: false });
    const result = await run(handler, fixture("apigw-v1-multivalue.json"));
    expect(result.multiValueHeaders["x-three"]).toEqual(["1", "2", "3"]);
    expect(result.headers).not.toHaveProperty("x-three");
    expect(result.headers["x-one"]).toBe("a");
  });

  it("ALB: an event whose multiValueHeaders is null is in single-value mode; one without httpMethod is a GET", async () => {
    const handler = wrap(routes({ "GET /": job({}, () => ({ body: "got" })) }), { log: false });
    const event = fixture("alb-single-value.json");
    event.multiValueHeaders = null;
    event.path = "/";
    const result = await run(handler, event);
    expect(result).toMatchObject({ statusCode: 200, body: "got" });
    expect(result).not.toHaveProperty("multiValueHeaders");
    event.httpMethod = null;
    expect(await run(handler, event)).toMatchObject({ statusCode: 200, body: "got" });
  });

  it("HTTP API: on the $default stage, or with no stage named, a path that begins with the word is kept whole", async () => {
    const handler = wrap(job({ p: (req) => req.path }, ({ p }) => ({ body: { p } })), { log: false });
    const event = fixture("apigw-v2-basic.json");
    event.requestContext.stage = "$default";
    event.rawPath = "/$default/x";
    expect(JSON.parse((await run(handler, event)).body)).toEqual({ p: "/$default/x" });
    delete event.requestContext.stage;
    event.rawPath = "/undefined/x";
    expect(JSON.parse((await run(handler, event)).body)).toEqual({ p: "/undefined/x" });
  });

  it("HTTP API: an event without rawQueryString has an empty query", async () => {
    const handler = wrap(job({ q: (req) => req.query }, ({ q }) => ({ body: { q } })), { log: false });
    const event = fixture("apigw-v2-basic.json");
    delete event.rawQueryString;
    expect(JSON.parse((await run(handler, event)).body)).toEqual({ q: "" });
  });
});

describe("the invocation's context", () => {
  it("an invocation without a context object: answered, with an id of its own", async () => {
    const handler = wrap(job({}, (_input, ctx) => ({ body: { id: ctx.requestId, deadline: ctx.deadline ?? null } })), { log: false });
    const result = (await handler(fixture("apigw-v2-basic.json"))) as Json;
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ id: result.headers["x-request-id"], deadline: null });
  });

  // An infinite or NaN deadline would read as null in JSON too: none is told apart by `hasDeadline`.
  const seen = job({}, (_input, ctx) => ({
    body: { requestId: ctx.requestId, hasDeadline: ctx.deadline !== undefined, budget: ctx.deadline === undefined ? null : ctx.deadline - Date.now() },
  }));
  const answer = async (context: Json) => {
    const result = await run(wrap(seen, { log: false }), fixture("apigw-v2-basic.json"), context);
    return { ...(JSON.parse(result.body) as { requestId: string; hasDeadline: boolean; budget: number | null }), header: result.headers["x-request-id"] as string };
  };

  it("the awsRequestId names the request; one that is no string does not", async () => {
    expect(await answer({ awsRequestId: "ctx-1" })).toMatchObject({ requestId: "ctx-1", header: "ctx-1" });
    const own = await answer({ awsRequestId: 42 });
    expect(own.requestId).not.toBe("42");
    expect(own.requestId).toMatch(/^[\w-]{8,}$/);
    expect(own.header).toBe(own.requestId);
  });

  it("no deadline from a remaining time that is no finite number, or no function", async () => {
    for (const getRemainingTimeInMillis of [() => Infinity, () => Number.NaN, () => "1000", 1000]) {
      expect(await answer({ getRemainingTimeInMillis })).toMatchObject({ hasDeadline: false, budget: null });
    }
  });

  it("a safety margin of its own, kept back whole when the time left allows it", async () => {
    const { budget } = await run(wrap(seen, { log: false, safetyMargin: 2_000 }), fixture("apigw-v2-basic.json"), { getRemainingTimeInMillis: () => 10_000 }).then((result) => JSON.parse(result.body));
    expect(budget).toBeGreaterThan(7_900);
    expect(budget).toBeLessThanOrEqual(8_000);
  });
});
