/**
 * The route table as a client meets it: route keys refused when the table is made, several
 * methods on one path each reaching its own job, the 405's `Allow` listing every method of the
 * path in alphabetical order with HEAD added wherever GET is (and only there).
 */
import { describe, expect, it } from "vitest";
import { job, routes } from "../../src/index.js";
import { expectProblem, serve } from "./harness.js";

const says = (what: string) => job({}, () => ({ body: what }));

describe("route keys refused by routes()", () => {
  for (const key of ["get /x", "GET", "GET x", " /x", "/x", "GET\t/x", "G-T /x", "GET  x"]) {
    it(`${JSON.stringify(key)} → TypeError`, () => {
      expect(() => routes({ [key]: says("x") })).toThrow(new TypeError(`route "${key}" must look like "GET /user/:name"`));
    });
  }

  it("a method, one space and a path starting with / is taken", () => {
    expect(() => routes({ "GET /x": says("x"), "PATCH /x": says("y"), "ALL /y": says("z") })).not.toThrow();
  });
});

describe("several methods on one path", () => {
  // Prepared in each test (`app.send` prepares anew): mutation testing counts only code that
  // runs inside a test, and the route table is compiled when the app is prepared.
  const table = () =>
    routes({
      "PUT /doc": says("put"),
      "GET /doc": says("get"),
      "DELETE /doc": says("delete"),
      "POST /form": says("post"),
      "PATCH /form": says("patch"),
    });
  const app = { send: (sent: Parameters<ReturnType<typeof serve>["send"]>[0]) => serve(table()).send(sent) };

  it("each method reaches its own job, whatever order the table lists them in", async () => {
    for (const method of ["PUT", "GET", "DELETE"]) {
      const answer = await app.send({ method, path: "/doc" });
      expect([answer.status, answer.text]).toEqual([200, method.toLowerCase()]);
    }
    expect((await app.send({ method: "POST", path: "/form" })).text).toBe("post");
    expect((await app.send({ method: "PATCH", path: "/form" })).text).toBe("patch");
  });

  it("HEAD is served by GET: 200, no body, the length GET would send", async () => {
    const answer = await app.send({ method: "HEAD", path: "/doc" });
    expect(answer.status).toBe(200);
    expect(answer.body).toBeNull();
    expect(answer.header("content-length")).toBe("3");
  });

  it("405 on a path with GET: Allow lists every method and HEAD, in alphabetical order", async () => {
    const answer = await app.send({ method: "POST", path: "/doc" });
    expectProblem(answer, { status: 405, title: "Method Not Allowed" });
    expect(answer.header("allow")).toBe("DELETE, GET, HEAD, PUT");
  });

  it("405 on a path without GET: no HEAD in Allow, and HEAD itself is refused", async () => {
    const answer = await app.send({ method: "GET", path: "/form" });
    expectProblem(answer, { status: 405, title: "Method Not Allowed" });
    expect(answer.header("allow")).toBe("PATCH, POST");
    const head = await app.send({ method: "HEAD", path: "/form" });
    expect(head.status).toBe(405);
    expect(head.header("allow")).toBe("PATCH, POST");
  });
});

describe("the table is read once, when routes() makes it", () => {
  it("a route added to the table afterwards is not served: 404, and the routes made before answer as before", async () => {
    const table: Record<string, ReturnType<typeof says>> = { "GET /a": says("a") };
    const app = routes(table);
    table["GET /b"] = says("b");
    const served = serve(app);
    expectProblem(await served.send({ path: "/b" }), { status: 404, title: "Not Found" });
    expect((await served.send({ path: "/a" })).text).toBe("a");
  });

  it("a job put in place of a route's afterwards is not the one that answers", async () => {
    const table: Record<string, ReturnType<typeof says>> = { "GET /a": says("first") };
    const app = routes(table);
    table["GET /a"] = says("second");
    expect((await serve(app).send({ path: "/a" })).text).toBe("first");
  });

  it("every app prepared from one routes() serves the same table", async () => {
    const app = routes({ "GET /a": says("a"), "POST /a": says("posted") });
    for (const served of [serve(app), serve(app)]) {
      expect((await served.send({ path: "/a" })).text).toBe("a");
      expect((await served.send({ method: "POST", path: "/a" })).text).toBe("posted");
      expect((await served.send({ method: "PUT", path: "/a" })).header("allow")).toBe("GET, HEAD, POST");
    }
  });
});
