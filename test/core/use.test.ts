// App-wide extractors: `use()` shares them between jobs, typed; a route table runs them for every
// route but those that opt out; OpenAPI documents a bearer check as the security scheme it is.
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { bearer, cors, HttpError, job, routes, use } from "jobwrap";
import { openapi } from "jobwrap/openapi";
import { expectProblem, serve } from "./harness.js";

const users: Record<string, { name: string }> = { "token-ann": { name: "Ann" } };
const authed = use({ user: bearer((token) => users[token]) });

const me = authed.job({ query: v.object({ greet: v.optional(v.string()) }) }, ({ user, query }) => {
  expectTypeOf(user).toEqualTypeOf<{ name: string }>();
  return { body: { name: user.name, greet: query.greet ?? null } };
});
const health = job({}, () => ({ body: "ok" }), { public: true });
const plain = job({}, (input) => ({ body: { keys: Object.keys(input) } }));

describe("use(): shared extractors, typed into each job", () => {
  const app = serve(routes({ "GET /me": me, "GET /health": health }));

  it("gives the job what the extractor made of the token", async () => {
    const answer = await app.send({ path: "/me", query: "greet=hi", headers: { authorization: "Bearer token-ann" } });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ name: "Ann", greet: "hi" });
  });

  it("without a token: 401 problem with a bearer challenge, before the job's own parts are read", async () => {
    const answer = await app.send({ path: "/me", query: "greet=%zz" });
    expectProblem(answer, { status: 401, title: "Unauthorized", detail: "A bearer token is required" });
    expect(answer.header("www-authenticate")).toBe('Bearer realm="api"');
  });

  it("a token the check refuses: 401, invalid_token", async () => {
    const answer = await app.send({ path: "/me", headers: { authorization: "Bearer nope" } });
    expectProblem(answer, { status: 401, title: "Unauthorized", detail: "The bearer token is not valid" });
    expect(answer.header("www-authenticate")).toBe('Bearer realm="api", error="invalid_token"');
  });
});

describe("routes(table, { use }): run for every route, but a job that opts out", () => {
  const app = serve(routes({ "GET /plain": plain, "GET /health": health, "GET /me": me }, { use: authed }));

  it("refuses a route made with plain job() without the token, and gives it the extractor's value with one", async () => {
    expectProblem(await app.send({ path: "/plain" }), { status: 401, title: "Unauthorized", detail: "A bearer token is required" });
    const answer = await app.send({ path: "/plain", headers: { authorization: "Bearer token-ann" } });
    expect(answer.json()).toEqual({ keys: ["user"] });
  });

  it("leaves a public job alone", async () => {
    const answer = await app.send({ path: "/health" });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe("ok");
  });

  it("runs the extractor once for a job made by the same use()", async () => {
    let calls = 0;
    const counted = use({ n: () => ++calls });
    const counting = serve(routes({ "GET /n": counted.job({}, ({ n }) => ({ body: { n } })) }, { use: counted }));
    expect((await counting.send({ path: "/n" })).json()).toEqual({ n: 1 });
    expect(calls).toBe(1);
  });
});

describe("routes(table, { use, cors }): both apply", () => {
  it("the table's CORS answers the browser's preflight and decorates every answer, the token's refusal too", async () => {
    const app = serve(routes({ "GET /me": me, "GET /health": health }, { use: authed, cors: cors({ origin: ["https://web.test"] }) }));
    const preflight = await app.send({ method: "OPTIONS", path: "/me", headers: { origin: "https://web.test", "access-control-request-method": "GET" } });
    expect(preflight.status).toBe(204);
    expect(preflight.header("access-control-allow-origin")).toBe("https://web.test");
    const refused = await app.send({ path: "/me", headers: { origin: "https://web.test" } });
    expectProblem(refused, { status: 401, title: "Unauthorized", detail: "A bearer token is required" });
    expect(refused.header("access-control-allow-origin")).toBe("https://web.test");
    const answer = await app.send({ path: "/me", headers: { origin: "https://web.test", authorization: "Bearer token-ann" } });
    expect(answer.json()).toEqual({ name: "Ann", greet: null });
    expect(answer.header("access-control-allow-origin")).toBe("https://web.test");
    expect((await app.send({ path: "/health", headers: { origin: "https://other.test" } })).header("access-control-allow-origin")).toBeUndefined();
  });
});

describe("OpenAPI: a bearer extractor is a security scheme", () => {
  // Made in each test: bearer() and use() run there, as they would in an app.
  const document = () => {
    const secured = use({ user: bearer((token) => users[token]) });
    const guarded = secured.job({}, ({ user }) => ({ body: { name: user.name } }));
    return openapi(routes({ "GET /me": guarded, "GET /health": job({}, () => ({ body: "ok" }), { public: true }) }));
  };

  it("lists it in components.securitySchemes under the extractor's name", () => {
    expect(document().components.securitySchemes).toEqual({ user: { type: "http", scheme: "bearer" } });
  });

  it("requires it on the operations that run it, with their 401, and not on the others", () => {
    const doc = document();
    const get = doc.paths["/me"]!.get as Record<string, any>;
    expect(get.security).toEqual([{ user: [] }]);
    expect(get.responses["401"]).toEqual({ $ref: "#/components/responses/Problem401" });
    const health = doc.paths["/health"]!.get as Record<string, any>;
    expect(health.security).toBeUndefined();
    expect(health.responses["401"]).toBeUndefined();
  });
});

describe("bearer(): which Authorization headers carry a token", () => {
  const echo = (check?: Parameters<typeof bearer>[0]) => serve(job({ token: bearer(check) }, ({ token }) => ({ body: { token } })));
  const required = { status: 401, title: "Unauthorized", detail: "A bearer token is required" };

  it("without a check: the token itself, the scheme in any case, spaces around it dropped", async () => {
    const app = echo();
    for (const authorization of ["Bearer abc", "bearer abc", "BEARER abc", "Bearer   abc  "]) {
      const answer = await app.send({ headers: { authorization } });
      expect(answer.json(), authorization).toEqual({ token: "abc" });
    }
  });

  it("another scheme, the scheme alone, or a scheme with no space: 401 with the challenge", async () => {
    const app = echo();
    for (const authorization of ["Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Bearer", "Bearer    ", "Bearerabc", "xBearer abc", ""]) {
      const answer = await app.send({ headers: { authorization } });
      expectProblem(answer, required);
      expect(answer.header("www-authenticate"), authorization).toBe('Bearer realm="api"');
    }
  });

  it("the check gets the token and ctx; undefined, null or false refuse it, any other value is the argument", async () => {
    const seen: unknown[] = [];
    const values: Record<string, unknown> = { zero: 0, empty: "", no: false, nil: null, yes: { id: 1 } };
    const app = echo((token, ctx) => {
      seen.push([token, ctx.requestId]);
      return values[token] as never;
    });
    expect((await app.send({ headers: { authorization: "Bearer yes", "x-request-id": "r-1" } })).json()).toEqual({ token: { id: 1 } });
    expect(seen).toEqual([["yes", "r-1"]]);
    expect((await app.send({ headers: { authorization: "Bearer zero" } })).json()).toEqual({ token: 0 });
    expect((await app.send({ headers: { authorization: "Bearer empty" } })).json()).toEqual({ token: "" });
    for (const refused of ["no", "nil", "unknown"]) {
      const answer = await app.send({ headers: { authorization: `Bearer ${refused}` } });
      expectProblem(answer, { status: 401, title: "Unauthorized", detail: "The bearer token is not valid" });
      expect(answer.header("www-authenticate")).toBe('Bearer realm="api", error="invalid_token"');
    }
  });

  it("an async check is awaited", async () => {
    const app = echo(async (token) => (token === "good" ? { user: "ann" } : undefined));
    expect((await app.send({ headers: { authorization: "Bearer good" } })).json()).toEqual({ token: { user: "ann" } });
    expect((await app.send({ headers: { authorization: "Bearer bad" } })).status).toBe(401);
  });

  it("a check that throws an HttpError answers with it", async () => {
    const app = echo(() => {
      throw new HttpError(403, "This token may not call here");
    });
    expectProblem(await app.send({ headers: { authorization: "Bearer t" } }), { status: 403, title: "Forbidden", detail: "This token may not call here" });
  });
});

describe("use(): what it accepts", () => {
  it("refuses an extractor that is not a function, naming it", () => {
    expect(() => use({ token: "abc" } as never)).toThrow(new TypeError('use: "token" must be an extractor function'));
  });

  it("keeps its extractors, and a job's own part of the same name comes after them", async () => {
    const shared = use({ who: () => "shared" });
    expect(Object.keys(shared.extractors)).toEqual(["who"]);
    expect(shared.kind).toBe("use");
    const own = shared.job({ who: () => "own" }, ({ who }) => ({ body: { who } }));
    expect((await serve(own).send()).json()).toEqual({ who: "own" });
  });
});

describe("routes(table, { use }): which extractors each route runs, and in what order (the table made in each test)", () => {
  /** An extractor that notes its name in `order` when it runs and gives back its name. */
  const noting = (order: string[], name: string) => () => {
    order.push(name);
    return name;
  };

  it("a plain job gets the table's extractors; a public one runs none of them, though its neighbours do", async () => {
    const order: string[] = [];
    const shared = use({ tenant: noting(order, "tenant") });
    const keys = (input: object) => ({ body: { keys: Object.keys(input) } });
    const app = serve(
      routes(
        { "GET /open": job({}, keys, { public: true }), "GET /closed": job({}, keys), "GET /also": job({}, keys, { public: false }) },
        { use: shared },
      ),
    );
    expect((await app.send({ path: "/open" })).json()).toEqual({ keys: [] });
    expect(order).toEqual([]);
    expect((await app.send({ path: "/closed" })).json()).toEqual({ keys: ["tenant"] });
    expect((await app.send({ path: "/also" })).json()).toEqual({ keys: ["tenant"] });
    expect(order).toEqual(["tenant", "tenant"]);
  });

  it("a public job's own extractors still run, and a refusing table extractor does not reach it", async () => {
    const shared = use({ user: bearer((token) => users[token]) });
    const health = job({ probe: () => "own" }, ({ probe }) => ({ body: { probe } }), { public: true });
    const app = serve(routes({ "GET /health": health, "GET /me": job({}, () => ({ body: "me" })) }, { use: shared }));
    const answer = await app.send({ path: "/health" });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ probe: "own" });
    expectProblem(await app.send({ path: "/me" }), { status: 401, title: "Unauthorized", detail: "A bearer token is required" });
  });

  it("a job made by a use() that shares only some of the table's extractors runs all of them, each once, the table's first", async () => {
    const order: string[] = [];
    const a = noting(order, "a");
    const table = use({ a, b: noting(order, "b") });
    const partial = use({ a });
    const app = serve(routes({ "GET /x": partial.job({ own: noting(order, "own") }, (input) => ({ body: input })) }, { use: table }));
    expect((await app.send({ path: "/x" })).json()).toEqual({ a: "a", b: "b", own: "own" });
    expect(order).toEqual(["a", "b", "own"]);
  });

  it("a job with its own extractor under a shared name keeps it, and it runs in the shared name's place: first", async () => {
    const order: string[] = [];
    const shared = use({ user: noting(order, "shared user") });
    const mine = job({ first: noting(order, "first"), user: noting(order, "own user") }, (input) => ({ body: input }));
    const app = serve(routes({ "GET /mine": mine }, { use: shared }));
    expect((await app.send({ path: "/mine" })).json()).toEqual({ user: "own user", first: "first" });
    expect(order).toEqual(["own user", "first"]);
  });

  it("the table's extractors run before the job's own parts are read: a refused token is 401 even with a bad query", async () => {
    const shared = use({ user: bearer((token) => users[token]) });
    const app = serve(routes({ "GET /q": job({ query: v.object({ n: v.string() }) }, ({ query }) => ({ body: query })) }, { use: shared }));
    expectProblem(await app.send({ path: "/q", query: "m=%zz" }), { status: 401, title: "Unauthorized", detail: "A bearer token is required" });
    const answer = await app.send({ path: "/q", query: "n=1", headers: { authorization: "Bearer token-ann" } });
    expect(answer.json()).toEqual({ n: "1" });
  });
});
