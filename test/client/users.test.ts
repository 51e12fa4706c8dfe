// The typed client against the real Node server: the users example round-trips, errors come
// back as problems, and every part a spec names is sent the way the server reads it.
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { HttpError, job, routes } from "jobwrap";
import { client, type Problem } from "jobwrap/client";
import { serve, type Served } from "jobwrap/node";
import { api } from "../../examples/users/index.js";

const parts = routes({
  "GET /echo/:id": job(
    {
      params: v.object({ id: v.pipe(v.string(), v.transform(Number)) }),
      query: v.object({ tag: v.optional(v.union([v.string(), v.array(v.string())])), q: v.string() }),
      headers: v.object({ "x-tenant": v.string() }),
      responses: { 200: v.object({ id: v.number(), tag: v.unknown(), q: v.string(), tenant: v.string() }) },
    },
    ({ params, query, headers }) => ({ body: { id: params.id, tag: query.tag ?? null, q: query.q, tenant: headers["x-tenant"] } }),
  ),
  "POST /form": job({ body: v.object({ a: v.string() }) }, ({ body }) => ({ body: `form ${body.a}` }), { accept: "form" }),
  "PUT /text": job({ body: v.string(), responses: { 200: v.string() } }, ({ body }) => ({ body: body.toUpperCase() }), { accept: "text" }),
  "PUT /bytes": job({ body: v.instance(Uint8Array) }, ({ body }) => ({ body: body.reverse() }), { accept: "bytes" }),
  "DELETE /thing/:id": job({ responses: { 204: null } }, () => ({})),
  "GET /teapot": job({}, () => {
    throw new HttpError(418, "short and stout", { extensions: { spout: true } });
  }),
  "GET /pages/:page?": job({}, (_, ctx) => ({ body: ctx.requestId })),
});

describe("client<typeof api> on the real Node server (one function per route key)", () => {
  let users: Served;
  let other: Served;
  let usersUrl: string;
  let otherUrl: string;

  beforeAll(async () => {
    users = serve(api, { port: 0, host: "127.0.0.1", signals: [], log: false });
    other = serve(parts, { port: 0, host: "127.0.0.1", signals: [], log: false });
    [usersUrl, otherUrl] = [(await users.ready).url, (await other.ready).url];
  });
  afterAll(() => Promise.all([users.drain(), other.drain()]));

  it("round-trips the users example: 201 User, then 200 User, typed from the declared responses", async () => {
    const remote = client<typeof api>(usersUrl);
    const name = `Ann${Date.now().toString(36).replace(/\d/g, "")}`;
    const created = await remote["POST /user"]({ body: { name } });
    expect(created).toMatchObject({ ok: true, status: 201, body: { name } });
    if (created.ok) {
      expectTypeOf(created.status).toEqualTypeOf<201>();
      expectTypeOf(created.body).toEqualTypeOf<{ name: string }>();
    }
    const got = await remote["GET /user/:name"]({ params: { name } });
    expect(got).toMatchObject({ ok: true, status: 200, body: { name } });
    if (got.ok) expectTypeOf(got.body).toEqualTypeOf<{ name: string }>();
    expect(got.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers 409, 404 and 400 as typed problems with the RFC 9457 fields", async () => {
    const remote = client<typeof api>(`${usersUrl}/`);
    await remote["POST /user"]({ body: { name: "Bob" } });
    const twice = await remote["POST /user"]({ body: { name: "Bob" } });
    expect(twice).toMatchObject({ ok: false, status: 409, problem: { type: "about:blank", title: "Conflict", status: 409, detail: "a user named Bob exists already" } });
    const missing = await remote["GET /user/:name"]({ params: { name: "Nobody" } });
    expect(missing).toMatchObject({ ok: false, status: 404, problem: { status: 404, detail: "no user named Nobody" } });
    const bad = await remote["POST /user"]({ body: { name: "x1" } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expectTypeOf(bad.problem).toEqualTypeOf<Problem>();
      expect(bad.problem.errors?.map((error) => error.pointer)).toEqual(["/body/name", "/body/name"]);
      expect(bad.problem.requestId).toBe(bad.headers.get("x-request-id"));
    }
  });

  it("sends params encoded, queries (repeated keys too) and schema headers, and types them", async () => {
    const remote = client<typeof parts>(otherUrl, { headers: { "x-tenant": "ignored" } });
    const one = await remote["GET /echo/:id"]({ params: { id: "7" }, query: { q: "a b&c", tag: ["x", "y"] }, headers: { "x-tenant": "acme" } });
    expect(one).toMatchObject({ ok: true, status: 200, body: { id: 7, tag: ["x", "y"], q: "a b&c", tenant: "acme" } });
    // @ts-expect-error the query's `q` is required
    await remote["GET /echo/:id"]({ params: { id: "1" }, query: {}, headers: { "x-tenant": "a" } });
    // @ts-expect-error no route by that key
    expect(await remote["GET /nope"]()).toMatchObject({ ok: false, status: 404 });
    // Headers the schema does not name go in extraHeaders.
    const extra = await remote["GET /teapot"]({ extraHeaders: { "x-request-id": "client-chosen-1" } });
    expect(extra.headers.get("x-request-id")).toBe("client-chosen-1");
  });

  it("sends a form, text and bytes in the media type the job reads, and reads each answer back", async () => {
    const remote = client<typeof parts>(otherUrl);
    expect(await remote["POST /form"]({ body: new URLSearchParams({ a: "1" }) as unknown as { a: string } })).toMatchObject({ status: 200, body: "form 1" });
    const text = await remote["PUT /text"]({ body: "hi" });
    expect(text).toMatchObject({ status: 200, body: "HI" });
    if (text.ok) expectTypeOf(text.body).toEqualTypeOf<string>();
    const bytes = await remote["PUT /bytes"]({ body: new Uint8Array([1, 2, 3]) });
    expect(bytes.ok && bytes.body).toEqual(new Uint8Array([3, 2, 1]));
    const gone = await remote["DELETE /thing/:id"]({ params: { id: 3 } });
    expect(gone).toMatchObject({ ok: true, status: 204, body: undefined });
    if (gone.ok) expectTypeOf(gone.body).toEqualTypeOf<undefined>();
  });

  it("keeps a problem's extension members, and leaves an optional path parameter out", async () => {
    const remote = client<typeof parts>(otherUrl);
    expect(await remote["GET /teapot"]()).toMatchObject({ ok: false, status: 418, problem: { spout: true, detail: "short and stout" } });
    expect(await remote["GET /pages/:page?"]()).toMatchObject({ ok: true, status: 200 });
    expect(await remote["GET /pages/:page?"]({ params: { page: 2 } })).toMatchObject({ ok: true, status: 200 });
  });

  it("turns an error answer that is not a problem into one, rather than rejecting", async () => {
    const answering = (body: string, type: string) =>
      client<typeof parts>(otherUrl, { fetch: async () => new Response(body, { status: 401, headers: { "content-type": type } }) });
    // A gateway's empty or cut-off JSON, and JSON that is not an object.
    for (const [body, type] of [["", "application/json"], ['{"type":', "application/problem+json"], ["[1]", "application/json"]] as const) {
      expect(await answering(body, type)["GET /teapot"]()).toEqual({
        ok: false,
        status: 401,
        problem: { type: "about:blank", title: "Unauthorized", status: 401, detail: body },
        headers: expect.any(Headers),
      });
    }
    // An error body in JSON with fields missing gets the RFC 9457 ones from the status.
    expect(await answering('{"message":"token expired"}', "application/json")["GET /teapot"]()).toMatchObject({
      problem: { type: "about:blank", title: "Unauthorized", status: 401, message: "token expired" },
    });
  });

  it("turns a non-jobwrap error page into a problem too", async () => {
    const remote = client<typeof parts>(otherUrl, {
      fetch: async () => new Response("<h1>Bad Gateway</h1>", { status: 502, headers: { "content-type": "text/html" } }),
    });
    expect(await remote["GET /teapot"]()).toMatchObject({
      ok: false,
      status: 502,
      problem: { type: "about:blank", title: "Bad Gateway", status: 502, detail: "<h1>Bad Gateway</h1>" },
    });
  });
});
