/**
 * Route path patterns in Hono's syntax, as the router matches them and as the OpenAPI
 * document describes them: `:name`, `:name{regex}` (the regex anchored in the document),
 * an optional last `:name?` (two documented paths), and a literal segment that only has a
 * colon inside it (`items:batchGet`), which names no parameter.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, routes } from "../../src/index.js";
import { openapi } from "../../src/openapi/index.js";
import { serve } from "./harness.js";

const echo = job({ params: v.record(v.string(), v.string()) }, ({ params }) => ({ body: { params } }));

const table = routes({
  "GET /user/:userName": echo,
  "GET /order/:orderId{[0-9]+}": echo,
  "GET /list/:pageNo?": echo,
  "GET /item/:itemId{[a-z]+}?": echo,
  "POST /v1/items:batchGet": echo,
});

/**
 * The path parameters an operation documents. The document is made in each test, not once for
 * the file: mutation testing counts only code that runs inside a test as covered by it.
 */
const parameters = (path: string) => {
  const doc = openapi(table, { info: { title: "patterns", version: "1.0.0" } });
  return (doc.paths[path]?.get ?? doc.paths[path]?.post) as { parameters?: unknown[] } | undefined;
};
const paths = () => Object.keys(openapi(table, { info: { title: "patterns", version: "1.0.0" } }).paths);

/** The app, prepared in each test for the same reason. */
const app = { send: (sent: Parameters<ReturnType<typeof serve>["send"]>[0]) => serve(table).send(sent) };

describe("the OpenAPI document", () => {
  it("lists one templated path per route, two for an optional last parameter, the literal colon path as it is", () => {
    expect(paths().sort()).toEqual(
      ["/item", "/item/{itemId}", "/list", "/list/{pageNo}", "/order/{orderId}", "/user/{userName}", "/v1/items:batchGet"].sort(),
    );
  });

  it(":userName → a required string path parameter, with no pattern", () => {
    expect(parameters("/user/{userName}")!.parameters).toEqual([{ name: "userName", in: "path", required: true, schema: { type: "string" } }]);
  });

  it(":orderId{[0-9]+} → the regex as the parameter's pattern, anchored", () => {
    expect(parameters("/order/{orderId}")!.parameters).toEqual([
      { name: "orderId", in: "path", required: true, schema: { type: "string", pattern: "^[0-9]+$" } },
    ]);
  });

  it(":pageNo? → the path without it (no parameters) and the path with it (required there)", () => {
    expect(parameters("/list")!.parameters ?? []).toEqual([]);
    expect(parameters("/list/{pageNo}")!.parameters).toEqual([{ name: "pageNo", in: "path", required: true, schema: { type: "string" } }]);
  });

  it(":itemId{[a-z]+}? → both paths, the pattern kept on the one that has it", () => {
    expect(parameters("/item")!.parameters ?? []).toEqual([]);
    expect(parameters("/item/{itemId}")!.parameters).toEqual([
      { name: "itemId", in: "path", required: true, schema: { type: "string", pattern: "^[a-z]+$" } },
    ]);
  });

  it("items:batchGet names no parameter: the path is literal", () => {
    expect(parameters("/v1/items:batchGet")!.parameters ?? []).toEqual([]);
  });
});

describe("the router agrees with the document", () => {
  it(":userName matches any one segment", async () => {
    expect((await app.send({ path: "/user/ann" })).json()).toEqual({ params: { userName: "ann" } });
  });

  it(":orderId{[0-9]+} matches digits only; anything else is no route (404)", async () => {
    expect((await app.send({ path: "/order/42" })).json()).toEqual({ params: { orderId: "42" } });
    expect((await app.send({ path: "/order/abc" })).status).toBe(404);
  });

  it(":pageNo? matches with and without the segment", async () => {
    expect((await app.send({ path: "/list" })).json()).toEqual({ params: {} });
    expect((await app.send({ path: "/list/3" })).json()).toEqual({ params: { pageNo: "3" } });
  });

  it(":itemId{[a-z]+}? matches without the segment, or with one that fits the regex", async () => {
    expect((await app.send({ path: "/item" })).json()).toEqual({ params: {} });
    expect((await app.send({ path: "/item/abc" })).json()).toEqual({ params: { itemId: "abc" } });
    expect((await app.send({ path: "/item/123" })).status).toBe(404);
  });

  it("POST /v1/items:batchGet matches that literal path only", async () => {
    expect((await app.send({ method: "POST", path: "/v1/items:batchGet" })).json()).toEqual({ params: {} });
    expect((await app.send({ method: "POST", path: "/v1/items:other" })).status).toBe(404);
  });
});

describe("a segment that is a parameter only in part is a literal", () => {
  it("GET /files/:name.json matches that literal path only, and the document lists it as it is", async () => {
    const files = routes({ "GET /files/:name.json": echo });
    expect((await serve(files).send({ path: "/files/:name.json" })).json()).toEqual({ params: {} });
    expect((await serve(files).send({ path: "/files/report.json" })).status).toBe(404);
    expect(Object.keys(openapi(files, { info: { title: "files", version: "1.0.0" } }).paths)).toEqual(["/files/:name.json"]);
  });
});
