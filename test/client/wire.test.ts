// What the typed client puts on the wire for each part of a call (method, URL, query, headers,
// cookies, body, credentials, signal), and how it reads each kind of answer back: checked on the
// `fetch` it is given, in this process.
import * as v from "valibot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { job, routes } from "jobwrap";
import { client } from "jobwrap/client";

const app = routes({
  "GET /user/:name": job(
    {
      params: v.object({ name: v.string() }),
      query: v.object({ tag: v.optional(v.array(v.string())), q: v.optional(v.string()), n: v.optional(v.number()) }),
      headers: v.object({ "x-tenant": v.optional(v.string()), "x-count": v.optional(v.number()) }),
      cookies: v.object({ sid: v.optional(v.string()), lang: v.optional(v.string()) }),
    },
    () => ({}),
  ),
  "GET /pages/:book/:page?": job({}, () => ({})),
  "POST /notes": job({ body: v.unknown() }, () => ({})),
  "ALL /any": job({ body: v.optional(v.unknown()) }, () => ({})),
  "GET /:page?": job({}, () => ({})),
  // Keys as the server takes them: spaces around the path.
  "GET  /spaced ": job({}, () => ({})),
});

interface Sent {
  url: string;
  method: string | undefined;
  headers: Record<string, string>;
  init: RequestInit;
}

/** A client whose `fetch` records each request and answers with `answer()`. */
function recording(answer: () => Response = () => new Response(null, { status: 204 }), options: Parameters<typeof client>[1] = {}) {
  const sent: Sent[] = [];
  const remote = client<typeof app>("https://api.example.test/v1//", {
    ...options,
    fetch: async (url, init) => {
      sent.push({ url, method: init.method, headers: Object.fromEntries(new Headers(init.headers)), init });
      return answer();
    },
  });
  return { remote, sent };
}

describe("the client's request", () => {
  it("goes to the base URL (trailing slashes dropped) with the path filled, each parameter percent-encoded", async () => {
    const { remote, sent } = recording();
    await remote["GET /user/:name"]({ params: { name: "a b/ç?" } });
    expect(sent[0]).toMatchObject({ url: "https://api.example.test/v1/user/a%20b%2F%C3%A7%3F", method: "GET" });
  });

  it("leaves an optional last parameter out, and refuses a call missing a required one", async () => {
    const { remote, sent } = recording();
    await remote["GET /pages/:book/:page?"]({ params: { book: "b" } });
    await remote["GET /pages/:book/:page?"]({ params: { book: "b", page: 0 } });
    expect(sent.map((request) => request.url)).toEqual(["https://api.example.test/v1/pages/b", "https://api.example.test/v1/pages/b/0"]);
    await expect(remote["GET /pages/:book/:page?"]({ params: { page: 2 } as never })).rejects.toThrow(new TypeError('the path parameter "book" is missing'));
    await expect(remote["GET /user/:name"]({ params: { name: null as never } })).rejects.toThrow('the path parameter "name" is missing');
    await expect((remote["GET /user/:name"] as () => Promise<unknown>)()).rejects.toThrow(new TypeError('the path parameter "name" is missing'));
    expect(sent).toHaveLength(2);
  });

  it("calls a key written with extra spaces, as the server takes it", async () => {
    const { remote, sent } = recording();
    await remote["GET  /spaced "]();
    expect(sent.map((request) => [request.method, request.url])).toEqual([["GET", "https://api.example.test/v1/spaced"]]);
  });

  it("sends a route of only an optional parameter, left out, to the root", async () => {
    const { remote, sent } = recording();
    await remote["GET /:page?"]();
    await remote["GET /:page?"]({ params: { page: "p" } });
    expect(sent.map((request) => request.url)).toEqual(["https://api.example.test/v1/", "https://api.example.test/v1/p"]);
  });

  it("answers a bare base URL's root as /", async () => {
    const sent: string[] = [];
    const root = routes({ "GET /": job({}, () => ({})) });
    await client<typeof root>("https://api.example.test/", { fetch: async (url) => (sent.push(url), new Response(null, { status: 204 })) })["GET /"]();
    expect(sent).toEqual(["https://api.example.test/"]);
  });

  it("puts the query in the URL: arrays repeat the key, undefined values are left out, no `?` when empty", async () => {
    const { remote, sent } = recording();
    await remote["GET /user/:name"]({ params: { name: "ann" }, query: { tag: ["x", "y z"], q: undefined, n: 2 } });
    await remote["GET /user/:name"]({ params: { name: "ann" }, query: { q: undefined } });
    await remote["GET /user/:name"]({ params: { name: "ann" }, query: {} });
    expect(sent.map((request) => request.url)).toEqual([
      "https://api.example.test/v1/user/ann?tag=x&tag=y+z&n=2",
      "https://api.example.test/v1/user/ann",
      "https://api.example.test/v1/user/ann",
    ]);
  });

  it("sends the client's headers, then extraHeaders, then the schema's headers, each overriding the one before", async () => {
    const { remote, sent } = recording(undefined, { headers: { "x-tenant": "client", "x-client": "1", authorization: "Bearer client" } });
    await remote["GET /user/:name"]({
      params: { name: "ann" },
      headers: { "x-tenant": "call", "x-count": 3 },
      extraHeaders: { authorization: "Bearer call", "x-tenant": "extra" },
    });
    await remote["GET /user/:name"]({ params: { name: "ann" }, headers: { "x-tenant": undefined } });
    expect(sent.map((request) => request.headers)).toEqual([
      { "x-tenant": "call", "x-client": "1", "x-count": "3", authorization: "Bearer call" },
      { "x-tenant": "client", "x-client": "1", authorization: "Bearer client" },
    ]);
  });

  it("sends the cookies as one Cookie header, values encoded, undefined ones left out; none without cookies", async () => {
    const { remote, sent } = recording();
    await remote["GET /user/:name"]({ params: { name: "ann" }, cookies: { sid: "a b;c", lang: "fr" } });
    await remote["GET /user/:name"]({ params: { name: "ann" }, cookies: { sid: undefined, lang: "fr" } });
    await remote["GET /user/:name"]({ params: { name: "ann" }, cookies: { sid: undefined } });
    await remote["GET /user/:name"]({ params: { name: "ann" } });
    expect(sent.map((request) => request.headers.cookie)).toEqual(["sid=a%20b%3Bc; lang=fr", "lang=fr", undefined, undefined]);
  });

  it("sends credentials and the signal only when given", async () => {
    const signal = new AbortController().signal;
    const { remote, sent } = recording(undefined, { credentials: "include" });
    await remote["POST /notes"]({ body: "x", signal });
    expect(sent[0]!.init).toMatchObject({ credentials: "include", signal });
    const plain = recording();
    await plain.remote["POST /notes"]({ body: "x" });
    expect(Object.keys(plain.sent[0]!.init).sort()).toEqual(["body", "headers", "method"]);
    await plain.remote["GET /user/:name"]({ params: { name: "ann" } });
    expect(Object.keys(plain.sent[1]!.init).sort()).toEqual(["headers", "method"]);
  });

  it("sends an ALL route as the method asked, else GET without a body and POST with one", async () => {
    const { remote, sent } = recording();
    await remote["ALL /any"]();
    await remote["ALL /any"]({ body: { a: 1 } });
    await remote["ALL /any"]({ method: "PATCH", body: { a: 1 } });
    await remote["ALL /any"]({ method: "DELETE" });
    expect(sent.map((request) => [request.method, request.url])).toEqual([
      ["GET", "https://api.example.test/v1/any"],
      ["POST", "https://api.example.test/v1/any"],
      ["PATCH", "https://api.example.test/v1/any"],
      ["DELETE", "https://api.example.test/v1/any"],
    ]);
  });

  it("uses the global fetch when given none", async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetch);
    await client<typeof app>("https://api.example.test")["POST /notes"]({ body: "x" });
    expect(fetch.mock.calls.map(([url, init]) => [url, init.method, init.body])).toEqual([["https://api.example.test/notes", "POST", "x"]]);
  });
  afterEach(() => void vi.unstubAllGlobals());
});

describe("the client's body", () => {
  const sendBody = async (body: unknown, headers?: Record<string, string>) => {
    const { remote, sent } = recording();
    await remote["POST /notes"]({ body, ...(headers ? { extraHeaders: headers } : {}) });
    return { type: sent[0]!.headers["content-type"], body: sent[0]!.init.body };
  };

  it("sends a string as UTF-8 text, an object or array as JSON, and keeps a content-type the call names", async () => {
    expect(await sendBody("héllo")).toEqual({ type: "text/plain; charset=utf-8", body: "héllo" });
    expect(await sendBody({ a: [1, "b"] })).toEqual({ type: "application/json", body: '{"a":[1,"b"]}' });
    expect(await sendBody([1, 2])).toEqual({ type: "application/json", body: "[1,2]" });
    expect(await sendBody(null)).toEqual({ type: "application/json", body: "null" });
    expect(await sendBody(0)).toEqual({ type: "application/json", body: "0" });
    expect(await sendBody("<a/>", { "content-type": "application/xml" })).toEqual({ type: "application/xml", body: "<a/>" });
    expect(await sendBody({ a: 1 }, { "content-type": "application/merge-patch+json" })).toEqual({ type: "application/merge-patch+json", body: '{"a":1}' });
  });

  it("sends bytes as octet-stream, and a form, a blob, an ArrayBuffer or FormData as they are (fetch names their type)", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(await sendBody(bytes)).toEqual({ type: "application/octet-stream", body: bytes });
    const view = new DataView(bytes.buffer);
    expect(await sendBody(view)).toEqual({ type: "application/octet-stream", body: view });
    expect(await sendBody(bytes, { "content-type": "image/png" })).toEqual({ type: "image/png", body: bytes });
    for (const body of [new URLSearchParams({ a: "1" }), new Blob(["x"]), bytes.buffer, new FormData()]) {
      const sent = await sendBody(body);
      expect(sent.type, String(body)).toBeUndefined();
      expect(sent.body, String(body)).toBe(body);
    }
  });

  it("sends an object holding a file (or a list of files) as multipart: files as files, lists repeated, other values as text", async () => {
    const avatar = new File(["png"], "me.png", { type: "image/png" });
    const { body, type } = await sendBody({ avatar, name: "ann", age: 3, tags: ["a", "b"], skip: undefined });
    expect(type).toBeUndefined();
    expect(body).toBeInstanceOf(FormData);
    const form = body as FormData;
    expect([...form.keys()]).toEqual(["avatar", "name", "age", "tags", "tags"]);
    expect(form.get("avatar")).toBeInstanceOf(File);
    expect((form.get("avatar") as File).name).toBe("me.png");
    expect(form.getAll("tags")).toEqual(["a", "b"]);
    expect(form.get("age")).toBe("3");
    const list = (await sendBody({ photos: [new Blob(["1"]), undefined, new Blob(["2"])], caption: "two" })).body as FormData;
    expect(list.getAll("photos").map((photo) => photo instanceof Blob)).toEqual([true, true]);
    expect(list.get("caption")).toBe("two");
    // A list without a file, or none at all, is JSON.
    expect(await sendBody({ tags: ["a"], n: 1 })).toEqual({ type: "application/json", body: '{"tags":["a"],"n":1}' });
  });
});

describe("the client's outcome", () => {
  const answerOf = (response: () => Response, route: "POST /notes" | "ALL /any" = "POST /notes", method?: string) =>
    recording(response).remote[route]({ body: "x", ...(method ? { method } : {}) });

  it("reads JSON (any +json type, any case, with parameters), text, and other bytes", async () => {
    const json = await answerOf(() => new Response('{"a":1}', { headers: { "content-type": "Application/JSON; charset=utf-8" } }));
    expect(await answerOf(() => new Response("[2]", { headers: { "content-type": "application/json ; charset=utf-8" } }))).toMatchObject({ body: [2] });
    expect(json).toMatchObject({ ok: true, status: 200, body: { a: 1 } });
    expect(await answerOf(() => new Response('{"b":2}', { status: 201, headers: { "content-type": "application/vnd.api+json" } }))).toMatchObject({ status: 201, body: { b: 2 } });
    expect(await answerOf(() => new Response("hi", { headers: { "content-type": " text/csv ;header=present" } }))).toMatchObject({ body: "hi" });
    const bytes = await answerOf(() => new Response(new Uint8Array([1, 2]), { headers: { "content-type": "image/png" } }));
    expect(bytes.ok && bytes.body).toEqual(new Uint8Array([1, 2]));
    const untyped = await answerOf(() => new Response(new Uint8Array([7])));
    expect(untyped.ok && untyped.body).toEqual(new Uint8Array([7]));
    expect(json.headers.get("content-type")).toBe("Application/JSON; charset=utf-8");
  });

  it("has no body for HEAD, 204, 205 and 304, nor for an empty answer without a media type", async () => {
    const head = await answerOf(() => new Response('{"a":1}', { headers: { "content-type": "application/json" } }), "ALL /any", "HEAD");
    expect(head).toMatchObject({ ok: true, status: 200, body: undefined });
    for (const status of [204, 205, 304]) {
      expect(await answerOf(() => new Response(null, { status, headers: { "content-type": "application/json" } })), String(status)).toMatchObject({ ok: true, status, body: undefined });
    }
    expect(await answerOf(() => new Response(null, { status: 200 }))).toMatchObject({ ok: true, body: undefined });
    const empty = await answerOf(() => new Response(new Uint8Array(), { headers: { "content-type": "application/octet-stream" } }));
    expect(empty.ok && empty.body).toEqual(new Uint8Array());
  });

  it("reads 400 and up as a problem, filling type and title from the status; a page that is not one is cut at 1000 characters", async () => {
    const problem = await answerOf(() => new Response('{"status":422,"detail":"no"}', { status: 422, headers: { "content-type": "application/problem+json" } }));
    expect(problem).toMatchObject({ ok: false, status: 422, problem: { type: "about:blank", title: "Unprocessable Content", status: 422, detail: "no" } });
    const own = await answerOf(() => new Response('{"type":"https://errors.example.test/quota","title":"Quota"}', { status: 429, headers: { "content-type": "application/json" } }));
    expect(own.ok || own.problem).toEqual({ type: "https://errors.example.test/quota", title: "Quota", status: 429 });
    const long = "x".repeat(1500);
    const page = await answerOf(() => new Response(long, { status: 400, headers: { "content-type": "text/plain" } }));
    expect(page.ok || page.problem).toEqual({ type: "about:blank", title: "Bad Request", status: 400, detail: long.slice(0, 1000) });
    // JSON in another media type is a page too.
    const text = await answerOf(() => new Response('{"detail":"no"}', { status: 503, headers: { "content-type": "text/plain" } }));
    expect(text.ok || text.problem).toEqual({ type: "about:blank", title: "Service Unavailable", status: 503, detail: '{"detail":"no"}' });
    // JSON that is not an object is a page too.
    for (const body of ["null", "42", "true"]) {
      const answer = await answerOf(() => new Response(body, { status: 500, headers: { "content-type": "application/json" } }));
      expect(answer.ok || answer.problem, body).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, detail: body });
    }
  });
});

describe("the client object", () => {
  it("answers route keys only: it is not a thenable, and gives the same function for a key each time", async () => {
    const remote = client<typeof app>("https://api.example.test", { fetch: async () => new Response(null, { status: 204 }) });
    expect((remote as unknown as Record<string, unknown>).then).toBeUndefined();
    expect(await Promise.resolve(remote)).toBe(remote);
    for (const key of ["toString", "get /user", "GET user", "GET", "x GET /user", Symbol.iterator]) expect((remote as Record<PropertyKey, unknown>)[key], String(key)).toBeUndefined();
    expect(remote["POST /notes"]).toBe(remote["POST /notes"]);
    expect(typeof remote["POST /notes"]).toBe("function");
  });
});
