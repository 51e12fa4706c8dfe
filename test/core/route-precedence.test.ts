/**
 * Which route answers a path several routes match, as a client sees it (the job that answers,
 * the parameters it gets, the route its span is named by, 404 / 405 and `Allow`): a literal
 * segment before a `:name{regex}`, before a `:name`, whatever the table's order; a route
 * without the method gives way to the next that has it; one trailing `/` is ignored; keys the
 * router cannot tell apart refused; and tables of 500 routes shaped like a real API.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { handle, job, prepare, routes, type App, type RequestView } from "../../src/index.js";
import { expectProblem, incoming, read, serve, testPlatform } from "./harness.js";

/** A job that says which route answered, the method it saw, and its path parameters. */
const named = (name: string) =>
  job({ method: (req: RequestView) => req.method, params: v.record(v.string(), v.string()) }, ({ method, params }) => ({
    body: { route: name, method, params },
  }));

/** The table's keys, each answered by a job named like its key. */
const table = (keys: string[]) => routes(Object.fromEntries(keys.map((key) => [key, named(key)])));

/** What answers `method path`: the route's key and the parameters, or the status and Allow of a refusal. */
async function who(app: App, path: string, method = "GET") {
  const answer = await serve(app).send({ method, path });
  if (answer.status !== 200) return { status: answer.status, allow: answer.header("allow") };
  const { route, params } = answer.json() as { route: string; params: Record<string, string> };
  return { route, params };
}

/** The route the request's span is named by (`http.route`), through a tracer as an adapter gives one. */
async function spanRoute(app: App, path: string, method = "GET") {
  let route: string | undefined = "not ended";
  const prepared = prepare(app, { log: () => {} }, { tracer: () => ({ within: (work) => work(), end: (_status, r) => (route = r) }) });
  await read(await handle(prepared, incoming({ method, path }), testPlatform));
  return route;
}

describe("a literal segment before a parameter at the same depth", () => {
  it("whatever the table's order", async () => {
    for (const keys of [
      ["GET /user/:name", "GET /user/me"],
      ["GET /user/me", "GET /user/:name"],
    ]) {
      const app = table(keys);
      expect(await who(app, "/user/me")).toEqual({ route: "GET /user/me", params: {} });
      expect(await who(app, "/user/ann")).toEqual({ route: "GET /user/:name", params: { name: "ann" } });
    }
  });

  it("decided at the first segment where two routes differ", async () => {
    const app = table(["GET /a/:x/c", "GET /a/b/:y"]);
    expect(await who(app, "/a/b/c")).toEqual({ route: "GET /a/b/:y", params: { y: "c" } });
    expect(await who(app, "/a/z/c")).toEqual({ route: "GET /a/:x/c", params: { x: "z" } });
  });

  it("a literal branch that fails further on gives way to the parameter", async () => {
    const app = table(["GET /a/b/x", "GET /a/:p/y", "GET /a/b/:q/z"]);
    expect(await who(app, "/a/b/y")).toEqual({ route: "GET /a/:p/y", params: { p: "b" } });
    expect(await who(app, "/a/b/x")).toEqual({ route: "GET /a/b/x", params: {} });
    expect(await who(app, "/a/b/1/z")).toEqual({ route: "GET /a/b/:q/z", params: { q: "1" } });
    expect(await who(app, "/a/b/1/y")).toEqual({ status: 404, allow: undefined });
  });

  it("a fully literal path before a parameterised one of the same shape, and deeper ones too", async () => {
    const app = table(["GET /v1/:kind/:id", "GET /v1/orgs/:id", "GET /v1/orgs/all"]);
    expect(await who(app, "/v1/orgs/all")).toEqual({ route: "GET /v1/orgs/all", params: {} });
    expect(await who(app, "/v1/orgs/7")).toEqual({ route: "GET /v1/orgs/:id", params: { id: "7" } });
    expect(await who(app, "/v1/teams/7")).toEqual({ route: "GET /v1/:kind/:id", params: { kind: "teams", id: "7" } });
  });
});

describe("parameters at the same depth", () => {
  it("a :name{regex} before a plain :name, whatever the table's order", async () => {
    for (const keys of [
      ["GET /n/:any", "GET /n/:id{[0-9]+}"],
      ["GET /n/:id{[0-9]+}", "GET /n/:any"],
    ]) {
      const app = table(keys);
      expect(await who(app, "/n/42")).toEqual({ route: "GET /n/:id{[0-9]+}", params: { id: "42" } });
      expect(await who(app, "/n/abc")).toEqual({ route: "GET /n/:any", params: { any: "abc" } });
    }
  });

  it("two :name{regex} that both fit: the table's first", async () => {
    expect(await who(table(["GET /c/:hex{[0-9a-f]+}", "GET /c/:num{[0-9]+}", "GET /c/:word"]), "/c/12")).toEqual({
      route: "GET /c/:hex{[0-9a-f]+}",
      params: { hex: "12" },
    });
    expect(await who(table(["GET /c/:num{[0-9]+}", "GET /c/:hex{[0-9a-f]+}", "GET /c/:word"]), "/c/12")).toEqual({
      route: "GET /c/:num{[0-9]+}",
      params: { num: "12" },
    });
  });

  it("the regex must match the whole segment", async () => {
    const app = table(["GET /order/:id{[0-9]+}"]);
    expect(await who(app, "/order/12ab")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "/order/ab12")).toEqual({ status: 404, allow: undefined });
  });

  it("a regex never takes a `/`: a parameter is one segment", async () => {
    const app = table(["GET /files/:name{.+\\.png}", "GET /files/:dir/meta"]);
    expect(await who(app, "/files/c.png")).toEqual({ route: "GET /files/:name{.+\\.png}", params: { name: "c.png" } });
    expect(await who(app, "/files/a/b.png")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "/files/a/meta")).toEqual({ route: "GET /files/:dir/meta", params: { dir: "a" } });
  });

  it("two routes of one shape with their own names: each method gets its own route's names, none of the other's", async () => {
    const app = table(["GET /p/:a", "POST /p/:b", "GET /q/:x/one", "GET /q/:y/two"]);
    expect(await who(app, "/p/1")).toEqual({ route: "GET /p/:a", params: { a: "1" } });
    expect(await who(app, "/p/1", "POST")).toEqual({ route: "POST /p/:b", params: { b: "1" } });
    expect(await who(app, "/q/1/two")).toEqual({ route: "GET /q/:y/two", params: { y: "1" } });
  });

  it("an empty segment is no parameter's value", async () => {
    const app = table(["GET /u/:id", "GET /u/:id/posts"]);
    expect(await who(app, "/u//posts")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "/u/")).toEqual({ status: 404, allow: undefined });
  });
});

describe("`*`", () => {
  it("is a literal segment, as the OpenAPI document has it", async () => {
    const app = table(["GET /files/*"]);
    expect(await who(app, "/files/*")).toEqual({ route: "GET /files/*", params: {} });
    expect(await who(app, "/files/a")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "/files")).toEqual({ status: 404, allow: undefined });
  });
});

describe("an optional last parameter", () => {
  it("at the root: `/` and one segment", async () => {
    const app = table(["GET /:lang?"]);
    expect(await who(app, "/")).toEqual({ route: "GET /:lang?", params: {} });
    expect(await who(app, "/en")).toEqual({ route: "GET /:lang?", params: { lang: "en" } });
    expect(await who(app, "/en/x")).toEqual({ status: 404, allow: undefined });
  });

  it("only as the last segment: before it, `:name?` is a required parameter", async () => {
    const app = table(["GET /a/:x?/b"]);
    expect(await who(app, "/a/1/b")).toEqual({ route: "GET /a/:x?/b", params: { x: "1" } });
    expect(await who(app, "/a")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "/a/b")).toEqual({ status: 404, allow: undefined });
  });

  it("its shorter path is the literal path: another method there, or a literal segment, is its own route", async () => {
    const app = table(["GET /list/:page?", "POST /list", "GET /list/first"]);
    expect(await who(app, "/list")).toEqual({ route: "GET /list/:page?", params: {} });
    expect(await who(app, "/list", "POST")).toEqual({ route: "POST /list", params: {} });
    expect(await who(app, "/list/first")).toEqual({ route: "GET /list/first", params: {} });
    expect(await who(app, "/list/2")).toEqual({ route: "GET /list/:page?", params: { page: "2" } });
  });
});

describe("one prepared app, request after request", () => {
  it("a 405 names only the methods of its own path, whatever was refused before", async () => {
    const app = serve(table(["GET /a", "POST /b/:id", "PUT /b/:id{[0-9]+}"]));
    expect((await app.send({ method: "DELETE", path: "/a" })).header("allow")).toBe("GET, HEAD");
    expect((await app.send({ method: "DELETE", path: "/b/7" })).header("allow")).toBe("POST, PUT");
    expect((await app.send({ method: "DELETE", path: "/b/x" })).header("allow")).toBe("POST");
    expect((await app.send({ method: "GET", path: "/a" })).status).toBe(200);
  });

  it("a route without parameters after one with: no parameters", async () => {
    const app = serve(table(["GET /user/:name", "GET /user/me/x"]));
    expect(((await app.send({ path: "/user/ann" })).json() as { params: unknown }).params).toEqual({ name: "ann" });
    expect(((await app.send({ path: "/user/me/x" })).json() as { params: unknown }).params).toEqual({});
  });
});

describe("slashes", () => {
  it("one trailing `/` in the request is ignored, two are not", async () => {
    const app = table(["GET /docs", "GET /user/:name", "GET /"]);
    expect(await who(app, "/docs/")).toEqual({ route: "GET /docs", params: {} });
    expect(await who(app, "/user/ann/")).toEqual({ route: "GET /user/:name", params: { name: "ann" } });
    expect(await who(app, "/")).toEqual({ route: "GET /", params: {} });
    expect(await who(app, "/docs//")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "//docs")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "/user/ann//")).toEqual({ status: 404, allow: undefined });
  });

  it("a route written with a trailing or doubled `/` is the same path", async () => {
    const app = table(["GET /docs/", "POST /a//b"]);
    expect(await who(app, "/docs")).toEqual({ route: "GET /docs/", params: {} });
    expect(await who(app, "/a/b", "POST")).toEqual({ route: "POST /a//b", params: {} });
  });

  it("two keys of one method the router cannot tell apart: refused when the table is made", () => {
    for (const [first, second] of [
      ["GET /x", "GET /x/"],
      ["GET /x/", "GET //x"],
      ["GET /p/:a", "GET /p/:b"],
      ["GET /o/:id{[0-9]+}", "GET /o/:n{[0-9]+}"],
      ["GET /list/:page?", "GET /list"],
      ["GET /list", "GET /list/:page?"],
      ["GET /list/:page?", "GET /list/:n"],
    ]) {
      expect(() => routes({ [first!]: named("a"), [second!]: named("b") }), `${first} and ${second}`).toThrow(
        new TypeError(`route "${second}" is declared twice`),
      );
    }
  });

  it("the same path with another method, or another regex, is no duplicate", () => {
    expect(() => routes({ "GET /x": named("a"), "POST /x/": named("b"), "GET /o/:id{[0-9]+}": named("c"), "GET /o/:id": named("d") })).not.toThrow();
  });

  it("a literal is matched as sent, still percent-encoded and case-sensitive", async () => {
    const app = table(["GET /caf%C3%A9", "GET /Docs"]);
    expect(await who(app, "/caf%C3%A9")).toEqual({ route: "GET /caf%C3%A9", params: {} });
    expect(await who(app, "/café")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "/docs")).toEqual({ status: 404, allow: undefined });
  });
});

describe("a route without the method gives way", () => {
  it("to the next route that matches the path and has the method; HEAD goes to its GET", async () => {
    const app = table(["POST /user/me", "GET /user/:name", "ALL /user/:name/x", "PUT /user/me/x"]);
    expect(await who(app, "/user/me")).toEqual({ route: "GET /user/:name", params: { name: "me" } });
    expect(await who(app, "/user/me", "POST")).toEqual({ route: "POST /user/me", params: {} });
    expect((await serve(app).send({ method: "HEAD", path: "/user/me" })).status).toBe(200);
    expect(await who(app, "/user/me/x", "PUT")).toEqual({ route: "PUT /user/me/x", params: {} });
    expect(await who(app, "/user/me/x", "DELETE")).toEqual({ route: "ALL /user/:name/x", params: { name: "me" } });
  });

  it("none has it: 405, Allow naming every method of every route that matches, in alphabetical order", async () => {
    const app = table(["PUT /user/me", "POST /user/:name", "GET /user/:id{[a-z]+}", "DELETE /user/:key{[a-z0-9]+}", "PATCH /other"]);
    const answer = await serve(app).send({ method: "OPTIONS", path: "/user/me" });
    expectProblem(answer, { status: 405, title: "Method Not Allowed", detail: "OPTIONS is not allowed here; try DELETE, GET, HEAD, POST, PUT" });
    expect(answer.header("allow")).toBe("DELETE, GET, HEAD, POST, PUT");
    expect(await who(app, "/user/42", "PATCH")).toEqual({ status: 405, allow: "DELETE, POST" });
    expect(await spanRoute(app, "/user/me", "HEAD")).toBe("/user/:id{[a-z]+}");
  });

  it("a literal path with no route for the method and no other route: 405 with its own methods", async () => {
    expect(await who(table(["POST /only", "GET /other/:x"]), "/only")).toEqual({ status: 405, allow: "POST" });
  });
});

describe("the span is named by the route that answered", () => {
  it("its path as the table wrote it, for a literal and a parameterised route", async () => {
    const app = table(["GET /user/me", "GET /user/:name", "GET /docs/"]);
    expect(await spanRoute(app, "/user/me")).toBe("/user/me");
    expect(await spanRoute(app, "/user/ann")).toBe("/user/:name");
    expect(await spanRoute(app, "/docs")).toBe("/docs/");
    expect(await spanRoute(app, "/nowhere")).toBeUndefined();
  });
});

/**
 * 500 routes shaped like a real API: resources under shared prefixes, each with a collection
 * (GET, POST), an item (GET, PUT, DELETE) and a sub-resource, plus literal ones beside them.
 */
function bigTable() {
  const keys: string[] = [];
  for (let i = 0; keys.length < 500; i++) {
    const base = `/v${1 + (i % 2)}/orgs/:org/r${i}`;
    keys.push(`GET ${base}`, `POST ${base}`, `GET ${base}/:id`, `PUT ${base}/:id`, `DELETE ${base}/:id`, `GET ${base}/:id/usage`, `GET /v1/static${i}/health`);
  }
  return keys.slice(0, 500);
}

describe("a table of 500 routes", () => {
  it("every route is reached, with its parameters, and the last ones as well as the first", async () => {
    const keys = bigTable();
    const app = serve(table(keys));
    for (const key of [...keys.slice(0, 7), ...keys.slice(-14)]) {
      const [method, pattern] = key.split(" ") as [string, string];
      const path = pattern.replace(":org", "acme").replace(":id", "7");
      const answer = await app.send({ method, path });
      const params = Object.fromEntries([...pattern.matchAll(/:(\w+)/g)].map(([, name]) => [name, name === "org" ? "acme" : "7"]));
      expect(answer.json(), key).toEqual({ route: key, method, params });
    }
  });

  it("a miss near the end is 404, a wrong method 405 with the path's methods", async () => {
    const app = table(bigTable());
    expect(await who(app, "/v1/orgs/acme/r70/7/nothing")).toEqual({ status: 404, allow: undefined });
    expect(await who(app, "/v2/orgs/acme/r69/7", "POST")).toEqual({ status: 405, allow: "DELETE, GET, HEAD, PUT" });
    expect(await who(app, "/v1/static70/health", "POST")).toEqual({ status: 405, allow: "GET, HEAD" });
  });
});
