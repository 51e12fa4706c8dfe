// The Worker's own answer when core's pipeline itself fails (a bug in jobwrap: no request can
// cause it, so handle() is made to fail here, in Node): a problem rather than the platform's
// error page, with the CORS headers every other answer carries. The Hono adapter answers alike.
import { afterEach, describe, expect, it, vi } from "vitest";
import { cors, job, routes } from "jobwrap";
import { mount } from "jobwrap/hono";
import { wrap } from "jobwrap/workers";
import { handle } from "../../src/core/handle.js";

vi.mock("../../src/core/handle.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/core/handle.js")>();
  return { ...actual, handle: vi.fn(actual.handle) };
});

const web = "https://web.test";
const app = routes({ "GET /hello": job({}, () => ({ body: "hi" })) });
const context = { waitUntil: () => {} };

describe("the last resort of jobwrap/workers and jobwrap/hono", () => {
  afterEach(() => vi.mocked(handle).mockReset());

  it("answers the 500 problem with the app's CORS headers for the request's Origin", async () => {
    vi.mocked(handle).mockRejectedValue(new Error("a bug in the pipeline"));
    const options = { log: false as const, cors: cors({ origin: [web], credentials: true }) };
    const worker = wrap(app, options);
    const hono = mount(app, options);
    const answers = [
      await worker.fetch(new Request("http://localhost/hello", { headers: { origin: web } }), {}, context),
      await hono.request("/hello", { headers: { origin: web } }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(500);
      expect(answer.headers.get("content-type")).toBe("application/problem+json");
      expect(answer.headers.get("access-control-allow-origin")).toBe(web);
      expect(answer.headers.get("access-control-allow-credentials")).toBe("true");
      expect(answer.headers.get("vary")).toBe("Origin");
      const problem = (await answer.json()) as { requestId: string };
      expect(answer.headers.get("x-request-id")).toBe(problem.requestId);
    }
    const other = await worker.fetch(new Request("http://localhost/hello", { headers: { origin: "https://evil.test" } }), {}, context);
    expect([other.status, other.headers.get("access-control-allow-origin"), other.headers.get("vary")]).toEqual([500, null, "Origin"]);
  });

  it("without cors(), adds none", async () => {
    vi.mocked(handle).mockRejectedValue(new Error("a bug in the pipeline"));
    const answer = await wrap(app, { log: false }).fetch(new Request("http://localhost/hello", { headers: { origin: web } }), {}, context);
    expect(answer.status).toBe(500);
    expect([answer.headers.get("access-control-allow-origin"), answer.headers.get("vary")]).toEqual([null, null]);
  });
});
