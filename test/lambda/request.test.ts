/**
 * What a job sees of a request, from real events with the fields each source fills varied:
 * headers of every map (names differing only in case joined, cookies with `; `, lists joined as
 * HTTP allows), the path as core reads it (encoded once), the query (multi-value map preferred,
 * encoded again where API Gateway decoded it), and the body (base64 checked, the limit in bytes).
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import { wrap, type LambdaHttpEvent } from "jobwrap/lambda";
import { fixture, responseOf, type Json } from "./events.js";

/** Answers with the request as core hands it to the job: headers, the path and the raw query string. */
const seen = job(
  { seen: (req) => ({ headers: { ...req.headers }, path: req.path, query: req.query }) },
  ({ seen }) => ({ body: seen }),
);

async function seenFor(event: Json, options: Parameters<typeof wrap>[1] = {}): Promise<{ headers: Record<string, string>; path: string; query: string }> {
  const result = await wrap(seen, { log: false, ...options })(event as LambdaHttpEvent, { awsRequestId: "request-1" });
  const response = responseOf(result);
  expect(response.status, Buffer.from(response.body).toString()).toBe(200);
  return JSON.parse(Buffer.from(response.body).toString());
}

/** A REST API event (real, with multi-value maps) with its header maps replaced. */
function restWithHeaders(headers: Json, multiValueHeaders: Json): Json {
  const event = fixture("apigw-v1-multivalue.json");
  event.headers = headers;
  event.multiValueHeaders = multiValueHeaders;
  return event;
}

describe("request headers, from every map a source fills", () => {
  it("REST multi-value headers: each list joined with commas, cookies with semicolons, names lower-cased", async () => {
    const { headers } = await seenFor(
      restWithHeaders({ Accept: "application/json", Cookie: "b=2" }, { Accept: ["text/html", "application/json", "*/*"], Cookie: ["a=1", "b=2"], "X-One": ["1"] }),
    );
    expect(headers.accept).toBe("text/html, application/json, */*");
    expect(headers.cookie).toBe("a=1; b=2");
    expect(headers["x-one"]).toBe("1");
    // The multi-value map is read alone: the single-value map repeats it.
    expect(headers).not.toHaveProperty("Accept");
  });

  it("names that differ only in case are one header, joined in the order given", async () => {
    const { headers } = await seenFor(
      restWithHeaders({}, { "X-Tag": ["a"], "x-tag": ["b", "c"], Cookie: ["a=1"], cookie: ["b=2"] }),
    );
    expect(headers["x-tag"]).toBe("a, b, c");
    expect(headers.cookie).toBe("a=1; b=2");
    const alb = fixture("alb-single-value.json");
    alb.headers = { "X-Tag": "a", "x-tag": "b", Cookie: "a=1", COOKIE: "b=2", "x-null": null };
    const single = await seenFor(alb);
    expect(single.headers["x-tag"]).toBe("a, b");
    expect(single.headers.cookie).toBe("a=1; b=2");
    // A null value is no header.
    expect(single.headers).not.toHaveProperty("x-null");
  });

  /** The headers a job sees as sorted pairs, and what reading names of Object.prototype on them gives. */
  const probe = wrap(
    job(
      { seen: (req) => ({ pairs: Object.entries(req.headers).sort(), inherited: [req.headers.constructor, req.headers.toString, req.headers.hasOwnProperty].map((value) => typeof value) }) },
      ({ seen }) => ({ body: seen }),
    ),
    { log: false },
  );
  async function probed(name: string, headers: string): Promise<{ pairs: [string, string][]; inherited: string[] }> {
    const event = fixture(name);
    event.headers = JSON.parse(headers);
    delete event.cookies;
    const response = responseOf(await probe(event as LambdaHttpEvent, { awsRequestId: "request-1" }));
    expect(response.status, Buffer.from(response.body).toString()).toBe(200);
    return JSON.parse(Buffer.from(response.body).toString());
  }
  const singleValueMaps = [
    ["an HTTP API event", "apigw-v2-basic.json"],
    ["a Function URL event", "function-url-basic.json"],
    ["an ALB event", "alb-single-value.json"],
  ];

  it.each(singleValueMaps)("%s with lower-case names and string values: every header as sent, `__proto__` a header like any other, nothing of Object.prototype", async (_source, name) => {
    const seen = await probed(name, '{"x-tag":"t","accept":"a/b","__proto__":"p","x-empty":""}');
    expect(seen.pairs).toEqual([["__proto__", "p"], ["accept", "a/b"], ["x-empty", ""], ["x-tag", "t"]]);
    expect(seen.inherited).toEqual(["undefined", "undefined", "undefined"]);
  });

  it.each(singleValueMaps)("%s with names differing in case or a null value: names lower-cased and joined, the null no header, nothing of Object.prototype", async (_source, name) => {
    const seen = await probed(name, '{"x-tag":"a","X-Tag":"b","accept":"a/b","x-null":null}');
    expect(seen.pairs).toEqual([["accept", "a/b"], ["x-tag", "a, b"]]);
    expect(seen.inherited).toEqual(["undefined", "undefined", "undefined"]);
    expect((await probed(name, '{"accept":"a/b","x-null":null}')).pairs).toEqual([["accept", "a/b"]]);
    expect((await probed(name, '{"Accept":"a/b"}')).pairs).toEqual([["accept", "a/b"]]);
  });

  it.each(singleValueMaps)("%s with a header value that is not a string: 400 naming the map", async (_source, name) => {
    for (const headers of ['{"accept":"a/b","x-n":1}', '{"accept":["a/b"]}', '{"accept":{"a":"b"}}']) {
      const event = fixture(name);
      event.headers = JSON.parse(headers);
      const response = responseOf(await probe(event as LambdaHttpEvent, { awsRequestId: "request-1" }));
      expect(response.status, headers).toBe(400);
      expect(Buffer.from(response.body).toString(), headers).toContain("/headers");
    }
  });

  it("empty lists add no header; a multi-value map with none read falls back to the single-value map", async () => {
    const partly = await seenFor(restWithHeaders({ "X-Single": "s" }, { "X-Empty": [], "X-Null": null, "X-Kept": ["k"] }));
    expect(partly.headers).toMatchObject({ "x-kept": "k" });
    expect(partly.headers).not.toHaveProperty("x-empty");
    expect(partly.headers).not.toHaveProperty("x-null");
    expect(partly.headers).not.toHaveProperty("x-single");
    const none = await seenFor(restWithHeaders({ "X-Single": "s" }, { "X-Empty": [] }));
    expect(none.headers).toMatchObject({ "x-single": "s" });
    expect(none.headers).not.toHaveProperty("x-empty");
  });

  it("ALB multi-value headers are read like REST's", async () => {
    const alb = fixture("alb-multivalue.json");
    alb.multiValueHeaders = { Accept: ["text/html", "*/*"], Cookie: ["a=1", "b=2"] };
    const { headers } = await seenFor(alb);
    expect(headers).toMatchObject({ accept: "text/html, */*", cookie: "a=1; b=2" });
  });

  it("payload 2.0's cookies array: the cookie header, each cookie once, also with an empty cookie header", async () => {
    const v2 = fixture("apigw-v2-cookies.json");
    v2.cookies = ["a=1", "b=2", "a=1"];
    delete v2.headers.cookie;
    expect((await seenFor(v2)).headers.cookie).toBe("a=1; b=2; a=1");
    const url = fixture("function-url-cookies.json");
    url.cookies = ["a=1", "b=2"];
    url.headers.cookie = "";
    expect((await seenFor(url)).headers.cookie).toBe("a=1; b=2");
    url.headers.cookie = "b=2;a=1";
    url.cookies = ["a=1", "c=3", "c=3"];
    expect((await seenFor(url)).headers.cookie).toBe("b=2;a=1; c=3");
    url.cookies = [];
    expect((await seenFor(url)).headers.cookie).toBe("b=2;a=1");
    // An empty array adds no cookie header where there was none.
    delete url.headers.cookie;
    expect((await seenFor(url)).headers).not.toHaveProperty("cookie");
  });
});

describe("the path, as core reads it: percent-encoded once", () => {
  const path = async (rawPath: string) => {
    const event = fixture("apigw-v2-basic.json");
    event.rawPath = rawPath;
    return (await seenFor(event)).path;
  };

  it("what an HTTP API decoded is encoded again: runs of non-ASCII, astral characters whole, a lone surrogate as U+FFFD", async () => {
    expect(await path("/a b  c")).toBe("/a%20b%20%20c");
    expect(await path("/😀é")).toBe("/%F0%9F%98%80%C3%A9");
    expect(await path("/x\ud800y")).toBe("/x%EF%BF%BDy");
    expect(await path("/tab\there")).toBe("/tab%09here");
    expect(await path("/del\x7f")).toBe("/del%7F");
  });

  it("a percent sign starts an escape only before two hex digits, in either case", async () => {
    expect(await path("/%41%c3%A9")).toBe("/%41%c3%A9");
    expect(await path("/%4g%")).toBe("/%254g%25");
    expect(await path("/100%")).toBe("/100%25");
  });

  it("printable ASCII stands as it is; a path without its leading slash gets one; none is /", async () => {
    expect(await path("/!$&'()*+,;=:@~-._")).toBe("/!$&'()*+,;=:@~-._");
    expect(await path("files/a")).toBe("/files/a");
    expect(await path("é")).toBe("/%C3%A9");
    expect(await path("")).toBe("/");
  });

  it("the same for many paths in a row (the pattern keeps no state from one to the next)", async () => {
    const handler = wrap(seen, { log: false });
    for (const [rawPath, want] of [
      ["/a b", "/a%20b"],
      ["/x y", "/x%20y"],
      ["/plain", "/plain"],
      ["/c d", "/c%20d"],
    ]) {
      const event = fixture("apigw-v2-basic.json");
      event.rawPath = rawPath;
      const response = responseOf(await handler(event, {}));
      expect(JSON.parse(Buffer.from(response.body).toString()).path).toBe(want);
    }
  });

  it("basePath is removed only at a segment boundary, the whole of it leaving /", async () => {
    const event = fixture("apigw-v1-multivalue.json");
    for (const [sent, want] of [
      ["/api", "/"],
      ["/api/", "/"],
      ["/api/x/y", "/x/y"],
      ["/apix", "/apix"],
      ["/other/api", "/other/api"],
      // Paths that do not start with it, of its length or with a / where its end would be.
      ["/abc", "/abc"],
      ["/xyz/e", "/xyz/e"],
    ]) {
      event.path = sent;
      expect((await seenFor(event, { basePath: "/api" })).path, sent).toBe(want);
    }
  });
});

describe("the query string", () => {
  it("REST: the multi-value map, each name and value encoded again, repeated names in order; the single-value map unread", async () => {
    const event = fixture("apigw-v1-multivalue.json");
    event.multiValueQueryStringParameters = { "a b": ["1+1", "x&y=z"], "c/d": ["é"], skipped: null };
    event.queryStringParameters = { "a b": "x&y=z", c: "ignored" };
    expect((await seenFor(event)).query).toBe("a%20b=1%2B1&a%20b=x%26y%3Dz&c%2Fd=%C3%A9");
  });

  it("REST: without a multi-value map, the single-value one, each pair encoded, nulls skipped", async () => {
    const event = fixture("apigw-v1-multivalue.json");
    event.multiValueQueryStringParameters = null;
    event.queryStringParameters = { q: "a b", n: null, "k=": "&" };
    expect((await seenFor(event)).query).toBe("q=a%20b&k%3D=%26");
  });

  it("REST: a value with a lone surrogate is sent as U+FFFD", async () => {
    const event = fixture("apigw-v1-multivalue.json");
    event.multiValueQueryStringParameters = { "k\udc00": ["v\ud800"] };
    expect((await seenFor(event)).query).toBe("k%EF%BF%BD=v%EF%BF%BD");
  });

  it("ALB: names and values as the client sent them, joined untouched", async () => {
    const multi = fixture("alb-multivalue.json");
    multi.multiValueQueryStringParameters = { "a%20b": ["1%2B1", "2"], c: ["%C3%A9"] };
    expect((await seenFor(multi)).query).toBe("a%20b=1%2B1&a%20b=2&c=%C3%A9");
    const single = fixture("alb-single-value.json");
    single.queryStringParameters = { "a%20b": "1%2B1", c: "x" };
    expect((await seenFor(single)).query).toBe("a%20b=1%2B1&c=x");
  });
});

describe("the body", () => {
  const bytes = (limit: number) =>
    routes({
      "POST /bytes": job({ body: v.instance(Uint8Array) }, ({ body }) => ({ body: { length: body.length, hex: Buffer.from(body).toString("hex") } }), {
        accept: "bytes",
        bodyLimit: limit,
      }),
      "POST /text": job({ body: v.string() }, ({ body }) => ({ body: { text: body } }), { accept: "text", bodyLimit: limit }),
    });

  async function sent(path: string, body: string, isBase64Encoded: boolean, limit = 16): Promise<{ status: number; body: Json }> {
    const event = fixture("function-url-base64.json");
    event.rawPath = path;
    event.requestContext.http.path = path;
    event.requestContext.http.method = "POST";
    event.headers["content-type"] = path === "/text" ? "text/plain; charset=utf-8" : "application/octet-stream";
    event.body = body;
    event.isBase64Encoded = isBase64Encoded;
    const response = responseOf(await wrap(bytes(limit), { log: false })(event, {}));
    return { status: response.status, body: JSON.parse(Buffer.from(response.body).toString()) };
  }

  it("base64 decoded, with or without padding", async () => {
    expect(await sent("/bytes", "AAEC/w==", true)).toEqual({ status: 200, body: { length: 4, hex: "000102ff" } });
    expect(await sent("/bytes", "AAEC/w", true)).toEqual({ status: 200, body: { length: 4, hex: "000102ff" } });
    expect(await sent("/bytes", "AAECAw==", true)).toEqual({ status: 200, body: { length: 4, hex: "00010203" } });
    expect(await sent("/bytes", "+/+/", true)).toEqual({ status: 200, body: { length: 3, hex: "fbffbf" } });
  });

  it("400 to base64 with a character outside its alphabet, padding inside it, or too much padding", async () => {
    for (const body of ["AAEC_w==", "AA EC", "AA==AAAA", "AAEC/w===", "AAE=C", "AAECAw=A"]) {
      const answer = await sent("/bytes", body, true);
      expect(answer.status, body).toBe(400);
      expect(answer.body).toMatchObject({ detail: "The body is not valid base64", errors: [{ pointer: "/body", detail: "invalid base64" }] });
    }
  });

  it("the limit counts decoded bytes: exactly the limit is read, one byte more is 413", async () => {
    const sixteen = Buffer.alloc(16, 7).toString("base64");
    expect((await sent("/bytes", sixteen, true)).body.length).toBe(16);
    expect((await sent("/bytes", Buffer.alloc(17, 7).toString("base64"), true)).status).toBe(413);
    // 15 and 16 bytes take as many characters (24) as 17 with its padding: only the bytes tell.
    expect((await sent("/bytes", Buffer.alloc(15, 7).toString("base64"), true)).body.length).toBe(15);
    expect((await sent("/bytes", Buffer.alloc(18, 7).toString("base64"), true)).status).toBe(413);
  });

  it("a text body's limit counts its UTF-8 bytes, not its characters", async () => {
    expect(await sent("/text", "é".repeat(8), false)).toEqual({ status: 200, body: { text: "é".repeat(8) } });
    expect((await sent("/text", "é".repeat(9), false)).status).toBe(413);
    expect((await sent("/text", "x".repeat(16), false)).status).toBe(200);
    expect((await sent("/text", "x".repeat(17), false)).status).toBe(413);
    const problem = (await sent("/text", "x".repeat(17), false)).body;
    expect(problem).toMatchObject({ status: 413 });
  });

  it("an empty body is no body, base64 or not: a job that needs one is told it is missing", async () => {
    const needsJson = job({ body: v.object({ name: v.string() }) }, () => ({ body: "ok" }));
    for (const isBase64Encoded of [true, false]) {
      const event = fixture("function-url-base64.json");
      event.requestContext.http.method = "POST";
      event.headers["content-type"] = "application/json";
      event.body = "";
      event.isBase64Encoded = isBase64Encoded;
      const response = responseOf(await wrap(needsJson, { log: false })(event, {}));
      expect(response.status).toBe(400);
      expect(JSON.parse(Buffer.from(response.body).toString())).toMatchObject({
        errors: [{ pointer: "/body", detail: "Invalid type: Expected Object but received undefined" }],
      });
    }
  });
});
