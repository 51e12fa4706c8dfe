/**
 * The contract: requests and the exact responses every platform must give them,
 * every row of the README's error table ("Errors: one shape everywhere") included. Rows run in order (later ones read
 * what earlier ones wrote) against a fresh instance of `contractApp`.
 */
import { secretMessage } from "./app.js";

export interface ContractRequest {
  method: string;
  /** Path and query as sent on the wire, percent-encoding and all. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface ContractResponse {
  status: number;
  /** Lower-case names; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: Uint8Array;
}

export interface Expected {
  status: number;
  /** Exact header values; `null` means the header must be absent. */
  headers?: Record<string, string | string[] | null>;
  json?: unknown;
  text?: string;
  bytes?: number[];
  /** An RFC 9457 body: these members exactly, plus `type`, `title`, `status` and `requestId`. */
  problem?: { title: string; detail?: string; errors?: { pointer: string; detail?: string }[] };
  /** Strings the body must not contain (secrets, stack frames). */
  hides?: string[];
}

export interface ContractCase {
  name: string;
  request: ContractRequest;
  expect: Expected;
}

/**
 * The address every transport's requests come from: loopback for the real servers, and the
 * address the Lambda events and Google's front end carry for the client.
 */
export const clientAddress = "127.0.0.1";

const json = { "content-type": "application/json" };
const problemType = "application/problem+json";
const pointers = (...list: string[]) => list.map((pointer) => ({ pointer }));

export const contract: ContractCase[] = [
  {
    name: "creates a user: 201 with the user as JSON",
    request: { method: "POST", path: "/user", headers: json, body: '{"name":"Alice"}' },
    expect: { status: 201, headers: { "content-type": "application/json" }, json: { name: "Alice" } },
  },
  {
    name: "reads the user back: 200",
    request: { method: "GET", path: "/user/Alice" },
    expect: { status: 200, headers: { "content-type": "application/json" }, json: { name: "Alice" } },
  },
  {
    name: "a second create of the same name: 409 from HttpError",
    request: { method: "POST", path: "/user", headers: json, body: '{"name":"Alice"}' },
    expect: { status: 409, problem: { title: "Conflict", detail: "a user named Alice exists already" } },
  },
  {
    name: "an unknown user: 404 from HttpError",
    request: { method: "GET", path: "/user/Nobody" },
    expect: { status: 404, problem: { title: "Not Found", detail: "no user named Nobody" } },
  },
  {
    name: "HEAD on a GET route: the GET's status and headers, no body",
    request: { method: "HEAD", path: "/user/Alice" },
    expect: { status: 200, headers: { "content-type": "application/json", "content-length": "16" }, text: "" },
  },
  {
    name: "schema rejects a path parameter: 400 with a pointer per issue",
    request: { method: "GET", path: "/user/b0" },
    expect: {
      status: 400,
      problem: {
        title: "Bad Request",
        detail: "The request is invalid: 2 problems",
        errors: [
          { pointer: "/params/name", detail: "a name has at least 3 letters" },
          { pointer: "/params/name", detail: "a name has only the letters a to z and A to Z" },
        ],
      },
    },
  },
  {
    name: "schema rejects the body: 400 pointing into it",
    request: { method: "POST", path: "/user", headers: json, body: '{"name":"Al"}' },
    expect: {
      status: 400,
      problem: {
        title: "Bad Request",
        detail: "The request is invalid: 1 problem",
        errors: [{ pointer: "/body/name", detail: "a name has at least 3 letters" }],
      },
    },
  },
  {
    name: "a missing body: 400 at /body",
    request: { method: "POST", path: "/user", headers: json },
    expect: { status: 400, problem: { title: "Bad Request", errors: pointers("/body") } },
  },
  {
    name: "a missing body field: 400 at /body/name",
    request: { method: "POST", path: "/user", headers: json, body: "{}" },
    expect: { status: 400, problem: { title: "Bad Request", errors: pointers("/body/name") } },
  },
  {
    name: "malformed JSON: 400",
    request: { method: "POST", path: "/user", headers: json, body: '{"name": "Alice"' },
    expect: {
      status: 400,
      problem: { title: "Bad Request", detail: "The body is not valid JSON", errors: [{ pointer: "/body", detail: "malformed JSON" }] },
    },
  },
  {
    name: "a body the job does not read (text/plain to a JSON job): 415",
    request: { method: "POST", path: "/user", headers: { "content-type": "text/plain" }, body: "name=Alice" },
    expect: {
      status: 415,
      headers: { "accept-post": "application/json" },
      problem: { title: "Unsupported Media Type", detail: "This endpoint reads application/json, not a body of type text/plain" },
    },
  },
  {
    name: "a body with no content-type: 415",
    request: { method: "POST", path: "/user", body: '{"name":"Alice"}' },
    expect: { status: 415, problem: { title: "Unsupported Media Type" } },
  },
  {
    name: "a body over the route's limit: 413",
    request: { method: "POST", path: "/small", headers: json, body: JSON.stringify({ pad: "x".repeat(200) }) },
    expect: { status: 413, problem: { title: "Content Too Large", detail: "The body is larger than the limit of 64 bytes" } },
  },
  {
    name: "a body under the route's limit passes",
    request: { method: "POST", path: "/small", headers: json, body: '{"pad":"x"}' },
    expect: { status: 202, text: "" },
  },
  {
    name: "no route: 404",
    request: { method: "GET", path: "/nowhere" },
    expect: { status: 404, problem: { title: "Not Found", detail: "No route for GET /nowhere" } },
  },
  {
    name: "a known path with the wrong method: 405 with Allow",
    request: { method: "DELETE", path: "/user/Alice" },
    expect: {
      status: 405,
      headers: { allow: "GET, HEAD" },
      problem: { title: "Method Not Allowed", detail: "DELETE is not allowed here; try GET, HEAD" },
    },
  },
  {
    name: "HttpError with any status and headers: that status",
    request: { method: "GET", path: "/teapot" },
    expect: { status: 418, headers: { "retry-after": "120" }, problem: { title: "Client Error", detail: "short and stout" } },
  },
  {
    name: "any other throw: 500 with nothing of the error",
    request: { method: "GET", path: "/boom" },
    expect: { status: 500, problem: { title: "Internal Server Error" }, hides: [secretMessage, "hunter2", "at ", ".ts"] },
  },
  {
    name: "a thrown non-Error: 500",
    request: { method: "GET", path: "/boom-string" },
    expect: { status: 500, problem: { title: "Internal Server Error" }, hides: ["a bare string"] },
  },
  {
    name: "a body JSON cannot encode (a function): 500",
    request: { method: "GET", path: "/unencodable" },
    expect: { status: 500, problem: { title: "Internal Server Error" }, hides: [secretMessage] },
  },
  {
    name: "the job outlives its deadline: 504",
    request: { method: "GET", path: "/slow" },
    expect: {
      status: 504,
      problem: { title: "Gateway Timeout", detail: "The job did not answer within its deadline of 100 ms" },
      hides: ["too late"],
    },
  },
  {
    name: "bad percent-encoding in the path: 400",
    request: { method: "GET", path: "/user/%E0%A4%A" },
    expect: {
      status: 400,
      problem: { title: "Bad Request", detail: "The path has malformed percent-encoding", errors: pointers("/path") },
    },
  },
  {
    name: "bad percent-encoding in the query: 400",
    request: { method: "GET", path: "/echo/query?a=%zz" },
    expect: {
      status: 400,
      problem: { title: "Bad Request", detail: "The query has malformed percent-encoding", errors: pointers("/query") },
    },
  },
  {
    name: "the query, decoded once, repeated keys as arrays",
    request: { method: "GET", path: "/echo/query?a=1&b=x%20y&a=2&c=a+b&d=%2541" },
    expect: { status: 200, json: { a: ["1", "2"], b: "x y", c: "a b", d: "%41" } },
  },
  {
    name: "schema rejects the query: 400 at /query/limit",
    request: { method: "GET", path: "/search?limit=ten" },
    expect: {
      status: 400,
      problem: { title: "Bad Request", errors: [{ pointer: "/query/limit", detail: "limit is a whole number" }] },
    },
  },
  {
    name: "a valid query",
    request: { method: "GET", path: "/search?limit=10&q=caf%C3%A9" },
    expect: { status: 200, json: { limit: 10, q: "café" } },
  },
  {
    name: "schema rejects a header: 400 at /headers/x-api-key",
    request: { method: "GET", path: "/echo/headers", headers: { "X-Api-Key": "short" } },
    expect: { status: 400, problem: { title: "Bad Request", errors: pointers("/headers/x-api-key") } },
  },
  {
    name: "headers matched case-insensitively; the cookie header reaches the job",
    request: { method: "GET", path: "/echo/headers", headers: { "X-API-KEY": "long-enough", Cookie: "a=1; b=2" } },
    expect: { status: 200, json: { key: "long-enough", cookie: "a=1; b=2" } },
  },
  {
    name: "JSON with a __proto__ key never reaches a prototype: 400",
    request: { method: "POST", path: "/echo/json", headers: json, body: '{"a":{"__proto__":{"admin":true}}}' },
    expect: { status: 400, problem: { title: "Bad Request", errors: pointers("/body/a/__proto__") } },
  },
  {
    name: "JSON with constructor.prototype: 400",
    request: { method: "POST", path: "/echo/json", headers: json, body: '{"constructor":{"prototype":{"admin":true}}}' },
    expect: { status: 400, problem: { title: "Bad Request", errors: pointers("/body/constructor") } },
  },
  {
    name: "a forbidden key spelled with escapes is the same key: 400",
    request: { method: "POST", path: "/echo/json", headers: json, body: '{"ok":1,"b":[{"\\u005f_proto__":{"admin":true}}]}' },
    expect: { status: 400, problem: { title: "Bad Request", errors: pointers("/body/b/0/__proto__") } },
  },
  {
    name: "constructor.prototype spelled with escapes, after other keys: 400",
    request: { method: "POST", path: "/echo/json", headers: json, body: '{"a":1,"z":{"\\u0063onstructor":{"prot\\u006ftype":{}}}}' },
    expect: { status: 400, problem: { title: "Bad Request", errors: pointers("/body/z/constructor") } },
  },
  {
    name: "the forbidden words as values, or constructor without prototype, are ordinary JSON",
    request: { method: "POST", path: "/echo/json", headers: json, body: '{"a":"__proto__","c":{"constructor":{"name":"x"}},"b":"\\u005f_proto__"}' },
    expect: { status: 200, json: { a: "__proto__", c: { constructor: { name: "x" } }, b: "__proto__" } },
  },
  {
    name: "JSON nested deeper than 256 levels: 400, however deep and whatever it holds",
    request: { method: "POST", path: "/echo/json", headers: json, body: `{"a":${"[".repeat(5000)}{"__proto__":1}${"]".repeat(5000)}}` },
    expect: { status: 400, problem: { title: "Bad Request", detail: "The body is nested deeper than 256 levels", errors: pointers("/body") } },
  },
  {
    name: "JSON nested 255 levels deep is read",
    request: { method: "POST", path: "/echo/json", headers: json, body: `{"a":${"[".repeat(254)}${"]".repeat(254)}}` },
    expect: { status: 200, text: `{"a":${"[".repeat(254)}${"]".repeat(254)}}` },
  },
  {
    name: "an application/*+json body is JSON",
    request: { method: "POST", path: "/echo/json", headers: { "content-type": "application/merge-patch+json" }, body: '{"kind":"ok","n":[1,2]}' },
    expect: { status: 200, json: { kind: "ok", n: [1, 2] } },
  },
  {
    name: "a form body, decoded",
    request: {
      method: "POST",
      path: "/echo/form",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1&b=two+words&a=%C3%A9",
    },
    expect: { status: 200, json: { a: ["1", "é"], b: "two words" } },
  },
  {
    name: "a text body in another charset",
    request: {
      method: "POST",
      path: "/echo/text",
      headers: { "content-type": "text/plain; charset=iso-8859-1" },
      body: new Uint8Array([0x63, 0x61, 0x66, 0xe9]),
    },
    expect: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, text: "4:café" },
  },
  {
    name: "a text body that is not valid UTF-8: 400",
    request: { method: "POST", path: "/echo/text", headers: { "content-type": "text/plain" }, body: new Uint8Array([0x61, 0xff, 0xfe]) },
    expect: { status: 400, problem: { title: "Bad Request", errors: pointers("/body") } },
  },
  {
    name: "binary bodies round-trip byte for byte",
    request: {
      method: "POST",
      path: "/echo/bytes",
      headers: { "content-type": "image/png" },
      body: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x80, 0x0d, 0x0a]),
    },
    expect: {
      status: 200,
      headers: { "content-type": "application/octet-stream" },
      bytes: [0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x80, 0x0d, 0x0a],
    },
  },
  {
    name: "an extractor's HttpError answers its status",
    request: { method: "GET", path: "/me" },
    expect: { status: 401, headers: { "www-authenticate": "Bearer" }, problem: { title: "Unauthorized", detail: "a bearer token is required" } },
  },
  {
    name: "an extractor's value reaches the job",
    request: { method: "GET", path: "/me", headers: { authorization: "Bearer t0k3n" } },
    expect: { status: 200, json: { token: "t0k3n" } },
  },
  {
    name: "any other extractor failure: 400, its message kept out",
    request: { method: "GET", path: "/tenant" },
    expect: {
      status: 400,
      problem: { title: "Bad Request", detail: "The request's tenant could not be read", errors: pointers("/tenant") },
      hides: ["shard 7"],
    },
  },
  {
    name: "repeated set-cookie headers are all kept",
    request: { method: "GET", path: "/cookies" },
    expect: {
      status: 200,
      headers: { "set-cookie": ["a=1; Path=/; HttpOnly", "b=2; Path=/; Secure"], "x-multi": "one" },
      json: { ok: true },
    },
  },
  {
    name: "a string body is UTF-8 text",
    request: { method: "GET", path: "/text" },
    expect: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, text: "héllo wörld" },
  },
  {
    name: "a bytes body is application/octet-stream",
    request: { method: "GET", path: "/bytes" },
    expect: { status: 200, headers: { "content-type": "application/octet-stream" }, bytes: [0, 1, 2, 253, 254, 255] },
  },
  {
    name: "a stream body arrives whole",
    request: { method: "GET", path: "/stream" },
    expect: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, text: "one two three" },
  },
  {
    name: "a stream of strings is sent as their UTF-8 bytes",
    request: { method: "GET", path: "/stream-strings" },
    expect: { status: 200, headers: { "content-type": "application/octet-stream" }, text: "héllo wörld" },
  },
  {
    name: "a stream that fails before its first chunk: 500, as any failed job",
    request: { method: "GET", path: "/stream-fails-at-once" },
    expect: { status: 500, problem: { title: "Internal Server Error" }, hides: [secretMessage, "at ", ".ts"] },
  },
  {
    name: "a stream that yields neither bytes nor strings: 500",
    request: { method: "GET", path: "/stream-not-bytes" },
    expect: { status: 500, problem: { title: "Internal Server Error" }, hides: [secretMessage] },
  },
  {
    name: "a stream whose first chunk outlives the deadline: 504",
    request: { method: "GET", path: "/stream-silent" },
    expect: { status: 504, problem: { title: "Gateway Timeout", detail: "The job did not answer within its deadline of 100 ms" } },
  },
  {
    name: "an HttpError whose header would split the response: the last resort's 500, the header never sent",
    request: { method: "GET", path: "/unsafe-problem-header" },
    expect: { status: 500, headers: { "www-authenticate": null, "x-injected": null }, problem: { title: "Internal Server Error" }, hides: ["x-injected"] },
  },
  {
    name: "a job's own framing headers give way to the body actually sent",
    request: { method: "GET", path: "/framing" },
    expect: { status: 200, headers: { "x-kept": "yes" }, text: "ok" },
  },
  {
    name: "no body and no status: 204",
    request: { method: "GET", path: "/empty" },
    expect: { status: 204, headers: { "content-type": null }, text: "" },
  },
  {
    name: "an explicit status with a body",
    request: { method: "PUT", path: "/status" },
    expect: { status: 202, json: { accepted: true } },
  },
  {
    name: "the client's address is the one the platform saw",
    request: { method: "GET", path: "/ip" },
    expect: { status: 200, json: { ip: clientAddress } },
  },
  {
    name: "a spoofed X-Forwarded-For is ignored when no proxy is trusted",
    request: { method: "GET", path: "/ip", headers: { "x-forwarded-for": "203.0.113.9" } },
    expect: { status: 200, json: { ip: clientAddress } },
  },
  {
    name: "behind one trusted proxy, the client is the address that proxy appended, not what the client wrote",
    request: { method: "GET", path: "/ip/proxied", headers: { "x-forwarded-for": "198.51.100.7, 203.0.113.9" } },
    expect: { status: 200, json: { ip: "203.0.113.9" } },
  },
  {
    name: "a job reading verified claims, where the platform verified none: 401 problem",
    request: { method: "GET", path: "/claims" },
    expect: { status: 401, problem: { title: "Unauthorized", detail: "The request carries no caller identity verified by the platform" } },
  },
];
