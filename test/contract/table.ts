/**
 * The contract: requests and the exact responses every platform must give them,
 * every row of the README's error table ("Errors: one shape everywhere") included. Rows run in order (later ones read
 * what earlier ones wrote) against a fresh instance of `contractApp`.
 */
import { secretMessage, webOrigin } from "./app.js";

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
  /** The body's content-encoding, undone before the body is checked. */
  encoding?: "gzip" | "br";
}

export interface ContractCase {
  name: string;
  /** The platforms the row is for, when not all (compression is the Node server's). */
  platforms?: string[];
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

const fromWeb = { origin: webOrigin };

const boundary = "----jobwrapBoundary7MA4YWxk";
const multipartType = { "content-type": `multipart/form-data; boundary=${boundary}` };
/** A multipart/form-data body as a browser writes it; a file's bytes go as they are. */
function formData(parts: { name: string; value: string | Uint8Array; filename?: string; type?: string }[]): Uint8Array {
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? "" : `; filename="${part.filename}"`}`;
    const type = part.type === undefined ? "" : `Content-Type: ${part.type}\r\n`;
    chunks.push(encoder.encode(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(typeof part.value === "string" ? encoder.encode(part.value) : part.value);
    chunks.push(encoder.encode("\r\n"));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

/** What every answer to the allowed origin carries, but a preflight's. */
const corsHeaders = { "access-control-allow-origin": webOrigin, "access-control-allow-credentials": "true", "access-control-expose-headers": "x-request-id", vary: "Origin" };

export const contract: ContractCase[] = [
  {
    name: "a CORS preflight from the allowed origin: 204 before routing, with what it allows",
    request: { method: "OPTIONS", path: "/user", headers: { ...fromWeb, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } },
    expect: {
      status: 204,
      headers: {
        "access-control-allow-origin": webOrigin,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": "GET, HEAD, PUT, PATCH, POST, DELETE",
        "access-control-allow-headers": "content-type, authorization",
        "access-control-max-age": "600",
        "access-control-expose-headers": null,
        vary: "Origin",
      },
      text: "",
    },
  },
  {
    name: "a CORS preflight from another origin: 403 problem, no allow-origin",
    request: { method: "OPTIONS", path: "/user", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } },
    expect: {
      status: 403,
      headers: { "access-control-allow-origin": null, "access-control-allow-methods": null, vary: "Origin" },
      problem: { title: "Forbidden", detail: "This origin may not call the service" },
    },
  },
  {
    name: "creates a user: 201 with the user as JSON",
    request: { method: "POST", path: "/user", headers: json, body: '{"name":"Alice"}' },
    expect: { status: 201, headers: { "content-type": "application/json" }, json: { name: "Alice" } },
  },
  {
    name: "CORS headers on a 201 for the allowed origin",
    request: { method: "POST", path: "/user", headers: { ...json, ...fromWeb }, body: '{"name":"Corsica"}' },
    expect: { status: 201, headers: corsHeaders, json: { name: "Corsica" } },
  },
  {
    name: "CORS headers on a 400 problem for the allowed origin",
    request: { method: "GET", path: "/user/b0", headers: fromWeb },
    expect: { status: 400, headers: { ...corsHeaders, "content-type": problemType } },
  },
  {
    name: "CORS headers on a 413 for the allowed origin, the body refused unread",
    request: { method: "POST", path: "/small", headers: { ...json, ...fromWeb }, body: JSON.stringify({ pad: "x".repeat(200) }) },
    expect: { status: 413, headers: corsHeaders, problem: { title: "Content Too Large", detail: "The body is larger than the limit of 64 bytes" } },
  },
  {
    name: "CORS headers on a refusal the Node server makes before the app (an expectation it cannot meet): 417",
    platforms: ["node"],
    request: { method: "GET", path: "/user/Alice", headers: { ...fromWeb, expect: "a-pony" } },
    expect: { status: 417, headers: corsHeaders, problem: { title: "Expectation Failed", detail: "The only expectation this server meets is 100-continue" } },
  },
  {
    name: "another origin's request is answered without CORS headers, which the browser then refuses to show",
    request: { method: "GET", path: "/user/Alice", headers: { origin: "https://evil.example" } },
    expect: { status: 200, headers: { "access-control-allow-origin": null, "access-control-allow-credentials": null, vary: "Origin" }, json: { name: "Alice" } },
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
    name: "a cookie read: the cookies part, each value decoded once, the first of a repeated name",
    request: { method: "GET", path: "/cookie/read", headers: { cookie: "theme=dark; session=abc%20%2541; session=second" } },
    expect: { status: 200, json: { session: "abc %41", theme: "dark" } },
  },
  {
    name: "a cookie refused by its schema: 400 pointing into /cookies",
    request: { method: "GET", path: "/cookie/read", headers: { cookie: "session=ab" } },
    expect: {
      status: 400,
      problem: { title: "Bad Request", detail: "The request is invalid: 1 problem", errors: [{ pointer: "/cookies/session", detail: "a session id has at least 3 characters" }] },
    },
  },
  {
    name: "a cookie set with its attributes, the value percent-encoded",
    request: { method: "POST", path: "/cookie/set" },
    expect: { status: 204, headers: { "set-cookie": "sid=a%20b%3Bc; Max-Age=3600; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Strict" }, text: "" },
  },
  {
    name: "two cookies set at once: two set-cookie lines",
    request: { method: "POST", path: "/cookie/swap" },
    expect: {
      status: 200,
      headers: { "set-cookie": ["sid=new; Path=/; HttpOnly", "old=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"] },
      json: { swapped: true },
    },
  },
  {
    name: "a multipart upload: one file and two fields, the file's bytes as sent",
    request: {
      method: "POST",
      path: "/upload",
      headers: multipartType,
      body: formData([
        { name: "title", value: "Köln" },
        { name: "doc", value: new Uint8Array([104, 105, 0, 255, 13, 10]), filename: "notes.bin", type: "application/octet-stream" },
        { name: "tags", value: "a,b" },
      ]),
    },
    expect: {
      status: 201,
      json: { title: "Köln", tags: "a,b", doc: { name: "notes.bin", type: "application/octet-stream", size: 6, bytes: [104, 105, 0, 255, 13, 10] } },
    },
  },
  {
    name: "a multipart file over its limit: 413",
    request: {
      method: "POST",
      path: "/upload",
      headers: multipartType,
      body: formData([
        { name: "title", value: "big" },
        { name: "tags", value: "" },
        { name: "doc", value: "x".repeat(65), filename: "big.txt", type: "text/plain" },
      ]),
    },
    expect: { status: 413, problem: { title: "Content Too Large", detail: "A file is larger than the limit of 64 bytes" } },
  },
  {
    name: "a malformed multipart body: 400",
    request: { method: "POST", path: "/upload", headers: multipartType, body: `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nno end` },
    expect: {
      status: 400,
      problem: { title: "Bad Request", detail: "The body is not valid multipart/form-data: its parts cannot be read", errors: [{ pointer: "/body", detail: "malformed multipart/form-data" }] },
    },
  },
  {
    name: "a multipart field that is not a file where the schema wants one: 400 at its pointer",
    request: { method: "POST", path: "/upload", headers: multipartType, body: formData([{ name: "title", value: "t" }, { name: "tags", value: "" }, { name: "doc", value: "plain" }]) },
    expect: { status: 400, problem: { title: "Bad Request", detail: "The request is invalid: 1 problem", errors: [{ pointer: "/body/doc" }] } },
  },
  {
    name: "a JSON answer over the threshold, asked for with gzip: compressed, Vary: Accept-Encoding",
    platforms: ["node"],
    request: { method: "GET", path: "/echo/query?list=" + "abcdefgh".repeat(200), headers: { "accept-encoding": "gzip, deflate" } },
    expect: { status: 200, headers: { "content-encoding": "gzip", vary: "Origin, Accept-Encoding" }, encoding: "gzip", json: { list: "abcdefgh".repeat(200) } },
  },
  {
    name: "a JSON answer over the threshold, asked for with br and gzip: brotli",
    platforms: ["node"],
    request: { method: "GET", path: "/echo/query?list=" + "abcdefgh".repeat(200), headers: { "accept-encoding": "gzip, br" } },
    expect: { status: 200, headers: { "content-encoding": "br", vary: "Origin, Accept-Encoding" }, encoding: "br", json: { list: "abcdefgh".repeat(200) } },
  },
  {
    name: "a JSON answer below the threshold: sent as it is",
    platforms: ["node"],
    request: { method: "GET", path: "/echo/query?list=short", headers: { "accept-encoding": "gzip, br" } },
    expect: { status: 200, headers: { "content-encoding": null, vary: "Origin", "content-length": "16" }, json: { list: "short" } },
  },
  {
    name: "a HEAD of a JSON answer over the threshold: the GET's Vary and Content-Encoding, no body and no length",
    platforms: ["node"],
    request: { method: "HEAD", path: "/echo/query?list=" + "abcdefgh".repeat(200), headers: { "accept-encoding": "gzip, deflate" } },
    expect: { status: 200, headers: { "content-encoding": "gzip", vary: "Origin, Accept-Encoding", "content-length": null }, text: "" },
  },
  {
    name: "a HEAD of a JSON answer over the threshold, for a client that takes no encoding: Vary still, and the length",
    platforms: ["node"],
    request: { method: "HEAD", path: "/echo/query?list=" + "abcdefgh".repeat(200) },
    expect: { status: 200, headers: { "content-encoding": null, vary: "Origin, Accept-Encoding", "content-length": String('{"list":""}'.length + 1600) }, text: "" },
  },
  {
    name: "a HEAD of a JSON answer below the threshold: as its GET, sent as it is",
    platforms: ["node"],
    request: { method: "HEAD", path: "/echo/query?list=short", headers: { "accept-encoding": "gzip, br" } },
    expect: { status: 200, headers: { "content-encoding": null, vary: "Origin", "content-length": "16" }, text: "" },
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
    // Node's writer refuses the value; Lambda hands headers over as JSON and workerd sends the
    // value's UTF-8 bytes, so neither refuses it (test/workers/last-resort.test.ts covers the Worker's last resort).
    name: "a header value Node refuses to write (past Latin-1): the adapter's last-resort 500, with the request id and the CORS headers",
    platforms: ["node", "cloud-functions"],
    request: { method: "GET", path: "/unsendable-header", headers: fromWeb },
    expect: { status: 500, headers: { ...corsHeaders, "x-mark": null }, problem: { title: "Internal Server Error" }, hides: ["never sent"] },
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
