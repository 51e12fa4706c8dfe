/**
 * Routing: the route table's methods and paths, HEAD served by GET, 404 and 405 with an
 * `Allow` naming every method, `ALL`, a single job on every path, and route keys refused
 * when the table is made.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, routes, type RequestView } from "../../src/index.js";
import { expectProblem, serve } from "./harness.js";

/** A job that says which route answered, the method it saw, and its path parameters. */
const named = (name: string) =>
  job({ method: (req: RequestView) => req.method, params: v.record(v.string(), v.string()) }, ({ method, params }) => ({
    body: { route: name, method, params },
  }));

const app = serve(
  routes({
    "GET /thing/:id": named("get thing"),
    "PUT /thing/:id": named("put thing"),
    "DELETE /thing/:id": named("delete thing"),
    "POST /things": named("post things"),
    "ALL /any": named("any"),
    "GET /mixed": named("get mixed"),
    "ALL /mixed": named("all of mixed"),
    "GET /both": named("get both"),
    "HEAD /both": job({}, () => ({ status: 200, headers: { "x-own-head": "yes" } })),
    "GET /text": job({}, () => ({ body: "héllo wörld" })),
    "GET /bytes": job({}, () => ({ body: new Uint8Array([1, 2, 3, 4, 5]) })),
    "GET /empty": job({}, () => ({ headers: { "x-seen": "1" } })),
    "GET /missing": job({}, () => {
      throw new (class extends Error {})("not here");
    }),
    "GET /user/:name": named("get user"),
    "POST /user/me": named("post me"),
  }),
);

describe("one path, several methods", () => {
  it("each method reaches its own job, with the path's parameters", async () => {
    expect((await app.send({ method: "GET", path: "/thing/7" })).json()).toEqual({ route: "get thing", method: "GET", params: { id: "7" } });
    expect((await app.send({ method: "PUT", path: "/thing/7" })).json()).toEqual({ route: "put thing", method: "PUT", params: { id: "7" } });
    expect((await app.send({ method: "DELETE", path: "/thing/8" })).json()).toEqual({ route: "delete thing", method: "DELETE", params: { id: "8" } });
  });

  it("a path parameter is percent-decoded once; `+` stays a plus", async () => {
    expect(((await app.send({ path: "/thing/caf%C3%A9%20au%2Flait" })).json() as { params: unknown }).params).toEqual({ id: "café au/lait" });
    expect(((await app.send({ path: "/thing/%2541" })).json() as { params: unknown }).params).toEqual({ id: "%41" });
    expect(((await app.send({ path: "/thing/a+b" })).json() as { params: unknown }).params).toEqual({ id: "a+b" });
  });

  it("a path with bad percent-encoding: 400 at /path", async () => {
    expectProblem(await app.send({ path: "/thing/%E0%A4%A" }), {
      status: 400,
      title: "Bad Request",
      detail: "The path has malformed percent-encoding",
      errors: [{ pointer: "/path", detail: "malformed percent-encoding" }],
    });
  });
});

describe("HEAD", () => {
  it("is served by the GET job: its status and headers, no body, and the GET body's length", async () => {
    const get = await app.send({ method: "GET", path: "/text" });
    const head = await app.send({ method: "HEAD", path: "/text" });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.header("content-type")).toBe("text/plain; charset=utf-8");
    expect(head.header("content-length")).toBe("13");
    expect(head.header("content-length")).toBe(String(get.bytes.length));
  });

  it("the GET job sees the method HEAD", async () => {
    const head = await app.send({ method: "HEAD", path: "/thing/7" });
    expect(head.body).toBeNull();
    const length = new TextEncoder().encode(JSON.stringify({ route: "get thing", method: "HEAD", params: { id: "7" } })).length;
    expect(head.header("content-length")).toBe(String(length));
    expect(head.header("content-type")).toBe("application/json");
  });

  it("of a bytes body: its length", async () => {
    const head = await app.send({ method: "HEAD", path: "/bytes" });
    expect(head.body).toBeNull();
    expect(head.header("content-length")).toBe("5");
  });

  it("of a GET with no body: the GET's 204, no content-length", async () => {
    const head = await app.send({ method: "HEAD", path: "/empty" });
    expect(head.status).toBe(204);
    expect(head.body).toBeNull();
    expect(head.header("x-seen")).toBe("1");
    expect(head.all("content-length")).toEqual([]);
  });

  it("of a stream body: no body and no length, and the job's stream is cancelled", async () => {
    let cancelled = false;
    const streaming = serve(
      job({}, () => ({
        body: new ReadableStream<Uint8Array>({
          pull: (controller) => controller.enqueue(new Uint8Array([1])),
          cancel: () => {
            cancelled = true;
          },
        }),
      })),
    );
    const head = await streaming.send({ method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.all("content-length")).toEqual([]);
    expect(cancelled).toBe(true);
  });

  it("of a failing GET: the problem's status and length, no body", async () => {
    const get = await app.send({ method: "GET", path: "/missing" });
    const head = await app.send({ method: "HEAD", path: "/missing" });
    expect(head.status).toBe(500);
    expect(head.body).toBeNull();
    expect(head.header("content-type")).toBe("application/problem+json");
    // The two problems differ only by their request ids, which have the same length.
    expect(head.header("content-length")).toBe(String(get.bytes.length));
  });

  it("a path's own HEAD route wins over its GET", async () => {
    const head = await app.send({ method: "HEAD", path: "/both" });
    expect(head.header("x-own-head")).toBe("yes");
    expect(head.header("content-length")).toBeUndefined();
  });

  it("on a path with no GET: 405", async () => {
    const answer = await app.send({ method: "HEAD", path: "/things" });
    expect(answer.status).toBe(405);
    expect(answer.header("allow")).toBe("POST");
    expect(answer.body).toBeNull();
  });
});

describe("a method the path does not answer: 405 with Allow", () => {
  it("Allow names every method of the path, HEAD with GET, and the detail says so", async () => {
    const answer = await app.send({ method: "PATCH", path: "/thing/7" });
    expectProblem(answer, { status: 405, title: "Method Not Allowed", detail: "PATCH is not allowed here; try DELETE, GET, HEAD, PUT" });
    expect(answer.header("allow")).toBe("DELETE, GET, HEAD, PUT");
  });

  it("no HEAD where there is no GET", async () => {
    const answer = await app.send({ method: "GET", path: "/things" });
    expectProblem(answer, { status: 405, title: "Method Not Allowed", detail: "GET is not allowed here; try POST" });
    expect(answer.header("allow")).toBe("POST");
  });

  it("each request's Allow is its own: a 405, then a 404 and another path's 405, name nothing of the first", async () => {
    expect((await app.send({ method: "PATCH", path: "/thing/7" })).header("allow")).toBe("DELETE, GET, HEAD, PUT");
    expect((await app.send({ method: "GET", path: "/nowhere" })).status).toBe(404);
    expect((await app.send({ method: "PATCH", path: "/thing/7" })).header("allow")).toBe("DELETE, GET, HEAD, PUT");
    expect((await app.send({ method: "GET", path: "/things" })).header("allow")).toBe("POST");
  });

  it("a path two patterns match: Allow names the methods of both", async () => {
    const answer = await app.send({ method: "DELETE", path: "/user/me" });
    expect(answer.status).toBe(405);
    expect(answer.header("allow")!.split(", ").sort()).toEqual(["GET", "HEAD", "POST"]);
  });

  it("a path two patterns match: each method reaches the pattern that has it", async () => {
    expect(((await app.send({ method: "GET", path: "/user/me" })).json() as { route: string }).route).toBe("get user");
    expect(((await app.send({ method: "POST", path: "/user/me" })).json() as { route: string }).route).toBe("post me");
  });
});

describe("ALL", () => {
  it.each(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "PURGE"])("answers %s", async (method) => {
    const answer = await app.send({ method, path: "/any" });
    expect(answer.status).toBe(200);
    if (method !== "HEAD") expect(answer.json()).toEqual({ route: "any", method, params: {} });
  });

  it("gives way to the path's own method, and HEAD goes to the GET", async () => {
    expect(((await app.send({ method: "GET", path: "/mixed" })).json() as { route: string }).route).toBe("get mixed");
    expect(((await app.send({ method: "POST", path: "/mixed" })).json() as { route: string }).route).toBe("all of mixed");
    const head = await app.send({ method: "HEAD", path: "/mixed" });
    const length = new TextEncoder().encode(JSON.stringify({ route: "get mixed", method: "HEAD", params: {} })).length;
    expect(head.header("content-length")).toBe(String(length));
  });
});

describe("no route: 404", () => {
  it.each(["/nowhere", "/thing", "/thing/7/more", "/things/7"])("%s", async (path) => {
    expectProblem(await app.send({ path }), { status: 404, title: "Not Found", detail: `No route for GET ${path}` });
  });
});

describe("a single job", () => {
  const single = serve(job({ method: (req: RequestView) => req.method, path: (req: RequestView) => req.path }, ({ method, path }) => ({ body: { method, path } })));

  it.each([
    ["GET", "/"],
    ["GET", "/a/b/c"],
    ["POST", "/anything"],
    ["DELETE", "/x/%20y"],
    ["PURGE", "/cache"],
  ])("answers %s %s", async (method, path) => {
    expect((await single.send({ method, path })).json()).toEqual({ method, path });
  });

  it("refuses a path with bad percent-encoding: 400 at /path", async () => {
    expectProblem(await single.send({ path: "/a/%zz" }), { status: 400, title: "Bad Request", errors: [{ pointer: "/path" }] });
  });
});

describe("route keys are checked when the table is made", () => {
  const j = job({}, () => ({}));

  it.each([
    ["a lower-case method", "get /x"],
    ["a mixed-case ALL", "All /x"],
    ["a method with a digit", "G3T /x"],
    ["no method", "/x"],
    ["a leading space", " GET /x"],
    ["no path", "GET"],
    ["a path without its leading slash", "GET x"],
    ["a path without its leading slash, after spaces", "GET  x/y"],
  ])("%s (%j): refused", (_name, key) => {
    expect(() => routes({ [key]: j })).toThrow(new TypeError(`route "${key}" must look like "GET /user/:name"`));
  });

  it("the same method and path twice, however spaced: refused", () => {
    expect(() => routes({ "GET /x": j, "GET  /x ": j })).toThrow(new TypeError('route "GET  /x " is declared twice'));
  });

  it("a value that is not a job: refused", () => {
    expect(() => routes({ "GET /x": (() => ({})) as never })).toThrow(new TypeError('route "GET /x" must be a job'));
  });

  it("the same path with another method is no duplicate", () => {
    expect(() => routes({ "GET /x": j, "POST /x": j, "ALL /x": j })).not.toThrow();
  });
});
