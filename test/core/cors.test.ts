// The forms of `cors({ origin })` the contract table does not play: a pattern, a function, "*",
// a preflight asking for headers when none are configured, and what cannot be configured.
import { describe, expect, it } from "vitest";
import { cors, job, routes } from "jobwrap";
import { serve } from "./harness.js";

const hello = routes({ "GET /hello": job({}, () => ({ body: "hi" })) });
const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  method: "OPTIONS",
  path: "/anything",
  headers: { origin, "access-control-request-method": "GET", ...extra },
});

describe("cors(): which origins", () => {
  it("a pattern must match the whole origin", async () => {
    const app = serve(hello, { cors: cors({ origin: /https:\/\/[a-z]+\.example\.com/ }) });
    expect((await app.send({ path: "/hello", headers: { origin: "https://app.example.com" } })).header("access-control-allow-origin")).toBe("https://app.example.com");
    const longer = await app.send({ path: "/hello", headers: { origin: "https://app.example.com.evil.test" } });
    expect(longer.header("access-control-allow-origin")).toBeUndefined();
    expect((await app.send(preflight("https://app.example.com.evil.test"))).status).toBe(403);
    const unlike = await app.send(preflight("http://localhost:3000"));
    expect([unlike.status, unlike.header("access-control-allow-origin")]).toEqual([403, undefined]);
    expect((await app.send({ path: "/hello", headers: { origin: "http://localhost:3000" } })).header("access-control-allow-origin")).toBeUndefined();
    expect(app.lines.filter((line) => line.severity === "ERROR")).toEqual([]);
  });

  it("a function decides", async () => {
    const app = serve(hello, { cors: cors({ origin: (origin) => origin.endsWith(".local") }) });
    expect((await app.send(preflight("http://dev.local"))).status).toBe(204);
    expect((await app.send(preflight("http://dev.remote"))).status).toBe(403);
  });

  it("a function reads the origin the deployment names from env", async () => {
    const app = serve(hello, { cors: cors({ origin: (origin, env) => origin === (env as { WEB_ORIGIN?: string }).WEB_ORIGIN }) });
    const env = { WEB_ORIGIN: "https://web.test" };
    expect((await app.send(preflight("https://web.test"), { env })).status).toBe(204);
    expect((await app.send(preflight("https://web.test"), { env: {} })).status).toBe(403);
    const answer = await app.send({ path: "/hello", headers: { origin: "https://web.test" } }, { env });
    expect(answer.header("access-control-allow-origin")).toBe("https://web.test");
  });

  it('"*" answers any origin alike, so it adds no Vary', async () => {
    const app = serve(hello, { cors: cors({ origin: "*" }) });
    const answer = await app.send({ path: "/hello", headers: { origin: "https://x.test" } });
    expect(answer.header("access-control-allow-origin")).toBe("*");
    expect(answer.header("vary")).toBeUndefined();
    expect((await app.send({ path: "/hello" })).header("access-control-allow-origin")).toBe("*");
  });

  it("a function that throws allows no origin: the answer still goes, its failure logged", async () => {
    const app = serve(hello, {
      cors: cors({
        origin: () => {
          throw new Error("the origin list is down");
        },
      }),
    });
    const answer = await app.send({ path: "/hello", headers: { origin: "https://x.test" } });
    expect([answer.status, answer.text]).toEqual([200, "hi"]);
    expect(answer.header("access-control-allow-origin")).toBeUndefined();
    expect(answer.header("vary")).toBe("Origin");
    expect(app.lines.find((line) => line.severity === "ERROR")).toMatchObject({ message: "the CORS origin check failed; the answer allows no origin" });
  });

  it('"*" with credentials is refused when configured, not at the first request', () => {
    expect(() => cors({ origin: "*", credentials: true })).toThrow(/name the origins/);
  });
});

describe("cors(): preflights", () => {
  it("allows the headers asked for when none are configured, and says its answer varies with them", async () => {
    const app = serve(hello, { cors: cors({ origin: ["https://a.test"], maxAge: 60 }) });
    const answer = await app.send(preflight("https://a.test", { "access-control-request-headers": "x-custom, content-type" }));
    expect(answer.status).toBe(204);
    expect(answer.header("access-control-allow-headers")).toBe("x-custom, content-type");
    expect(answer.header("vary")).toBe("Access-Control-Request-Headers, Origin");
    expect(answer.header("access-control-max-age")).toBe("60");
    expect(answer.header("access-control-allow-credentials")).toBeUndefined();
  });

  it("an OPTIONS that is no preflight (no Access-Control-Request-Method) is routed as any request", async () => {
    const app = serve(hello, { cors: cors({ origin: ["https://a.test"] }) });
    expect((await app.send({ method: "OPTIONS", path: "/hello", headers: { origin: "https://a.test" } })).status).toBe(405);
  });

  it("wrap/serve's cors overrides the route table's", async () => {
    const table = routes({ "GET /hello": job({}, () => ({ body: "hi" })) }, { cors: cors({ origin: ["https://table.test"] }) });
    const app = serve(table, { cors: cors({ origin: ["https://app.test"] }) });
    expect((await app.send(preflight("https://table.test"))).status).toBe(403);
    expect((await app.send(preflight("https://app.test"))).status).toBe(204);
    expect((await serve(table).send(preflight("https://table.test"))).status).toBe(204);
  });

  it("keeps a job's own Vary, adding Origin to the same line", async () => {
    const app = serve(routes({ "GET /v": job({}, () => ({ headers: { vary: "Accept-Language" }, body: "x" })) }), { cors: cors({ origin: ["https://a.test"] }) });
    expect((await app.send({ path: "/v" })).all("vary")).toEqual(["Accept-Language, Origin"]);
  });
});

describe("cors(): each option as the browser sees it", () => {
  it("a single origin as a string allows that origin exactly", async () => {
    const app = serve(hello, { cors: cors({ origin: "https://a.test" }) });
    expect((await app.send({ path: "/hello", headers: { origin: "https://a.test" } })).header("access-control-allow-origin")).toBe("https://a.test");
    expect((await app.send({ path: "/hello", headers: { origin: "https://a.tes" } })).header("access-control-allow-origin")).toBeUndefined();
    expect((await app.send(preflight("h"))).status).toBe(403);
  });

  it("defaults: the usual methods, no allow-headers when none are asked, max-age 600, x-request-id exposed", async () => {
    const app = serve(hello, { cors: cors({ origin: ["https://a.test"] }) });
    const answer = await app.send(preflight("https://a.test"));
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect(answer.header("access-control-allow-origin")).toBe("https://a.test");
    expect(answer.header("access-control-allow-methods")).toBe("GET, HEAD, PUT, PATCH, POST, DELETE");
    expect(answer.header("access-control-allow-headers")).toBeUndefined();
    expect(answer.header("access-control-max-age")).toBe("600");
    expect(answer.header("access-control-expose-headers")).toBeUndefined();
    expect(answer.header("vary")).toBe("Origin");
    const get = await app.send({ path: "/hello", headers: { origin: "https://a.test" } });
    expect(get.header("access-control-expose-headers")).toBe("x-request-id");
    expect(get.header("access-control-allow-methods")).toBeUndefined();
    expect(get.header("access-control-allow-credentials")).toBeUndefined();
  });

  it("methods, allowHeaders and exposeHeaders as configured; configured headers do not vary with the request's", async () => {
    const app = serve(hello, {
      cors: cors({ origin: ["https://a.test"], methods: ["GET", "POST"], allowHeaders: ["content-type", "x-api-key"], exposeHeaders: ["x-request-id", "etag"] }),
    });
    const answer = await app.send(preflight("https://a.test", { "access-control-request-headers": "x-other" }));
    expect(answer.header("access-control-allow-methods")).toBe("GET, POST");
    expect(answer.header("access-control-allow-headers")).toBe("content-type, x-api-key");
    expect(answer.header("vary")).toBe("Origin");
    const get = await app.send({ path: "/hello", headers: { origin: "https://a.test" } });
    expect(get.header("access-control-expose-headers")).toBe("x-request-id, etag");
  });

  it("exposeHeaders [] exposes nothing", async () => {
    const app = serve(hello, { cors: cors({ origin: ["https://a.test"], exposeHeaders: [] }) });
    const get = await app.send({ path: "/hello", headers: { origin: "https://a.test" } });
    expect(get.header("access-control-allow-origin")).toBe("https://a.test");
    expect(get.header("access-control-expose-headers")).toBeUndefined();
  });

  it("credentials: allowed on the preflight and on every answer to an allowed origin, never to another", async () => {
    const app = serve(hello, { cors: cors({ origin: ["https://a.test"], credentials: true }) });
    expect((await app.send(preflight("https://a.test"))).header("access-control-allow-credentials")).toBe("true");
    expect((await app.send({ path: "/hello", headers: { origin: "https://a.test" } })).header("access-control-allow-credentials")).toBe("true");
    const other = await app.send({ path: "/hello", headers: { origin: "https://b.test" } });
    expect(other.header("access-control-allow-credentials")).toBeUndefined();
    expect(other.header("access-control-expose-headers")).toBeUndefined();
  });

  it("a request with no Origin: no CORS headers but Vary: Origin (a cache must not serve it to a browser)", async () => {
    const app = serve(hello, { cors: cors({ origin: ["https://a.test"], credentials: true }) });
    const answer = await app.send({ path: "/hello" });
    expect(answer.headers.filter(([name]) => name.startsWith("access-control-"))).toEqual([]);
    expect(answer.header("vary")).toBe("Origin");
  });

  it("a request with no Origin is not asked about: even a function allowing every origin adds no CORS header", async () => {
    const app = serve(hello, { cors: cors({ origin: () => true, credentials: true }) });
    const answer = await app.send({ path: "/hello" });
    expect(answer.headers.filter(([name]) => name.startsWith("access-control-"))).toEqual([]);
    expect(answer.header("vary")).toBe("Origin");
  });

  it('is the value `routes(table, { cors })` and `serve`/`wrap` take: kind "cors"', () => {
    expect(cors({ origin: "*" }).kind).toBe("cors");
  });

  it('"*": any origin, on the preflight too, and the exposed headers to scripts', async () => {
    const app = serve(hello, { cors: cors({ origin: "*" }) });
    const answer = await app.send(preflight("https://x.test"));
    expect(answer.status).toBe(204);
    expect(answer.header("access-control-allow-origin")).toBe("*");
    const get = await app.send({ path: "/hello" });
    expect(get.header("access-control-expose-headers")).toBe("x-request-id");
  });

  it("an OPTIONS with Access-Control-Request-Method but no Origin is no preflight: routed", async () => {
    const app = serve(hello, { cors: cors({ origin: "*" }) });
    const answer = await app.send({ method: "OPTIONS", path: "/hello", headers: { "access-control-request-method": "GET" } });
    expect(answer.status).toBe(405);
  });

  it("a GET carrying a preflight's headers is no preflight: routed", async () => {
    const app = serve(hello, { cors: cors({ origin: ["https://a.test"] }) });
    const answer = await app.send({ method: "GET", path: "/hello", headers: { origin: "https://a.test", "access-control-request-method": "GET" } });
    expect([answer.status, answer.text]).toEqual([200, "hi"]);
  });
});
