/** What the client sent in each fixture of test/fixtures/lambda, read off the event by hand. */
import { expect } from "vitest";
import type { Json } from "./events.js";

export interface Seen {
  kind: "v1" | "v2" | "alb";
  /** ALB in multi-value mode. */
  multi?: boolean;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  cookies: string[];
  /** The body as the client sent it: text, or bytes. */
  body: string | number[] | null;
  headers: Record<string, string>;
}

/** What the client sent, per fixture, read off the event by hand. */
export const expected: Record<string, Seen> = {
  "alb-base64.json": {
    kind: "alb",
    method: "PUT",
    path: "/api/binary",
    query: {},
    cookies: ["cookies"],
    body: "Greetings, programs!",
    headers: { "content-type": "text/plain", "x-forwarded-for": "72.21.198.66" },
  },
  "alb-multivalue.json": {
    kind: "alb",
    multi: true,
    method: "GET",
    path: "/",
    query: { myKey: ["val1", "val2"], myOtherKey: ["val3", "val4"] },
    cookies: ["name1=value1", "name2=value2"],
    body: "request_body",
    headers: { "content-type": "text/plain", "accept-language": "en-US,en;q=0.8" },
  },
  "alb-query-encoded.json": {
    kind: "alb",
    method: "GET",
    path: "/lambda",
    // Decoded once: the values arrive still encoded, and a second decode would be a bug.
    query: { "vars[val1]": "foo bar", "vars[val2][0]": "b a z" },
    cookies: [],
    body: null,
    headers: { "x-imforwards": "20", connection: "keep-alive" },
  },
  "alb-single-value.json": {
    kind: "alb",
    method: "GET",
    path: "/lambda",
    query: { query: "1234ABCD" },
    cookies: [],
    body: "Test",
    headers: { host: "lambda-alb-123578498.us-east-2.elb.amazonaws.com" },
  },
  "apigw-v1-base64.json": {
    kind: "v1",
    // The top-level httpMethod, not requestContext's PUT.
    method: "POST",
    path: "/path",
    query: {},
    cookies: [],
    body: "foo=bar",
    headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "PostmanRuntime/7.20.1" },
  },
  "apigw-v1-cookies.json": {
    kind: "v1",
    method: "GET",
    path: "/path",
    query: {},
    cookies: ["tz=Europe%2FParis", "four=two+%2B+2", "theme=light"],
    body: null,
    headers: { "cache-control": "no-cache" },
  },
  "apigw-v1-custom-domain-rawpath-added.json": {
    kind: "v1",
    // A REST API's rawPath (the path before the base path mapping) does not make it payload 2.0:
    // read as one, it would route on "/api/path" as GET.
    method: "POST",
    path: "/path",
    query: {},
    cookies: [],
    body: "foo=bar",
    headers: { "content-type": "application/x-www-form-urlencoded", host: "example.org" },
  },
  "apigw-v1-multivalue.json": {
    kind: "v1",
    method: "POST",
    path: "/hello/world",
    query: { name: "me", multiValueName: ["you", "me"] },
    cookies: [],
    body: '{\r\n\t"a": 1\r\n}',
    headers: { headername: "headerValue", "content-type": "application/json", "x-forwarded-for": "54.240.196.186, 54.182.214.83" },
  },
  "apigw-v1-prod-stage-nulls.json": {
    kind: "v1",
    method: "POST",
    // `path` leaves the stage out; requestContext.path has it.
    path: "/no-auth",
    query: {},
    cookies: [],
    body: null,
    headers: { "cloudfront-viewer-asn": "7224" },
  },
  "apigw-v1-stage-prefix.json": {
    kind: "v1",
    method: "GET",
    path: "/path",
    query: {},
    cookies: [],
    body: null,
    headers: { host: "example.org" },
  },
  "apigw-v2-base64.json": {
    kind: "v2",
    method: "POST",
    path: "/path",
    query: {},
    cookies: [],
    body: "foo=bar",
    headers: { "content-type": "application/x-www-form-urlencoded", "cache-control": "no-cache" },
  },
  "apigw-v2-basic.json": {
    kind: "v2",
    method: "GET",
    path: "/",
    query: {},
    cookies: [],
    body: null,
    headers: { "user-agent": "curl/7.58.0" },
  },
  "apigw-v2-cookies.json": {
    kind: "v2",
    method: "GET",
    path: "/api/cookietests/TestCookie3",
    query: {},
    cookies: ["TestCookie1=TestValue1", "TestCookie2=TestValue2", "TestCookie3=TestValue3"],
    body: null,
    headers: { "content-type": "application/json" },
  },
  "apigw-v2-stage-in-path.json": {
    kind: "v2",
    method: "POST",
    // The named stage "Prod" leads rawPath: stripped.
    path: "/my/path",
    query: { parameter1: ["value1", "value2"], parameter2: "value" },
    cookies: ["cookie1=value1", "cookie2=value2"],
    body: "Hello from Lambda",
    headers: { header1: "value1", header2: "value2" },
  },
  "function-url-base64.json": {
    kind: "v2",
    method: "POST",
    path: "/",
    query: {},
    cookies: [],
    body: "<idk/>",
    headers: { "content-type": "idk" },
  },
  "apigw-v2-jwt-authorizer.json": {
    kind: "v2",
    method: "POST",
    path: "/cognito",
    query: {},
    cookies: [],
    body: null,
    headers: { authorization: "Bearer eyJra[...]A", "x-forwarded-for": "15.248.3.126" },
  },
  "apigw-v1-cognito-authorizer.json": {
    kind: "v1",
    method: "POST",
    path: "/cognito",
    query: {},
    cookies: [],
    body: null,
    headers: { "x-forwarded-for": "15.248.3.126, 130.176.209.4", "cloudfront-viewer-country": "GB" },
  },
  "function-url-iam.json": {
    kind: "v2",
    method: "POST",
    path: "/my/path",
    query: { parameter1: ["value1", "value2"], parameter2: "value" },
    cookies: ["cookie1", "cookie2"],
    body: "Hello from client!",
    headers: { header2: "value1,value2" },
  },
  "function-url-basic.json": {
    kind: "v2",
    method: "GET",
    path: "/",
    query: {},
    cookies: [],
    body: null,
    headers: { "sec-fetch-mode": "navigate" },
  },
  "function-url-cookies.json": {
    kind: "v2",
    method: "POST",
    path: "/hello",
    query: { hello: "world", foo: "bar" },
    // Both the cookies array and the cookie header carry them: each once.
    cookies: ["foo=bar", "hello=hello"],
    body: '{"hello": "world"}',
    headers: { header2: "h1,h2", "content-type": "application/json" },
  },
};

function bodyText(base64: string | null): string | null {
  return base64 === null ? null : Buffer.from(base64, "base64").toString("utf8");
}

/** Checks the echo job's answer to fixture `name`: what it saw, and the result's shape for its source. */
export function expectEchoed(name: string, result: Json, requestId: string): void {
  const want = expected[name];
  if (!want) throw new Error(`no expectation written for ${name}`);
      expect(result.statusCode).toBe(200);
      const seen = JSON.parse(result.isBase64Encoded ? Buffer.from(result.body, "base64").toString() : result.body);
      expect(seen.method).toBe(want.method);
      expect(seen.path).toBe(want.path);
      expect(seen.query).toEqual(want.query);
      expect(seen.cookies).toEqual(want.cookies);
      if (typeof want.body === "string" || want.body === null) expect(bodyText(seen.body)).toBe(want.body);
      else expect([...Buffer.from(seen.body, "base64")]).toEqual(want.body);
      for (const [header, value] of Object.entries(want.headers)) expect(seen.headers[header], header).toBe(value);
      for (const header of Object.keys(seen.headers)) expect(header).toBe(header.toLowerCase());
      if (want.cookies.length > 0) expect(seen.headers.cookie).toBe(want.cookies.join("; "));

      // The shape each source accepts, and nothing it would refuse.
      expect(result.isBase64Encoded).toBe(false);
      expect(typeof result.body).toBe("string");
      const keys = Object.keys(result).sort();
      if (want.kind === "v2") {
        expect(keys).toEqual(["body", "cookies", "headers", "isBase64Encoded", "statusCode"]);
        expect(result.cookies).toEqual(["a=1; Path=/", "b=2; Path=/; HttpOnly"]);
        expect(result.headers["x-twice"]).toBe("one, two");
        expect(result.headers["content-type"]).toBe("application/json");
        expect(result.headers["x-request-id"]).toBe(requestId);
        expect(result.headers["set-cookie"]).toBeUndefined();
      } else if (want.kind === "v1") {
        expect(keys).toEqual(["body", "headers", "isBase64Encoded", "multiValueHeaders", "statusCode"]);
        expect(result.multiValueHeaders).toEqual({ "set-cookie": ["a=1; Path=/", "b=2; Path=/; HttpOnly"], "x-twice": ["one", "two"] });
        expect(result.headers).toEqual({ "content-type": "application/json", "x-request-id": requestId });
      } else if (want.multi) {
        expect(keys).toEqual(["body", "isBase64Encoded", "multiValueHeaders", "statusCode", "statusDescription"]);
        expect(result.statusDescription).toBe("200 OK");
        expect(result.multiValueHeaders).toEqual({
          "set-cookie": ["a=1; Path=/", "b=2; Path=/; HttpOnly"],
          "x-twice": ["one", "two"],
          "content-type": ["application/json"],
          "x-request-id": [requestId],
        });
      } else {
        expect(keys).toEqual(["body", "headers", "isBase64Encoded", "statusCode", "statusDescription"]);
        expect(result.statusDescription).toBe("200 OK");
        // Single-value mode holds one value a name: the last cookie, repeats of others joined.
        expect(result.headers).toEqual({
          "set-cookie": "b=2; Path=/; HttpOnly",
          "x-twice": "one, two",
          "content-type": "application/json",
          "x-request-id": requestId,
        });
      }
  expect(seen.requestId).toBe(requestId);
  expect(seen.platform).toBe("lambda");
}
