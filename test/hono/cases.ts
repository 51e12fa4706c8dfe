/** The Hono interop's checks, the same on every runtime: `send` reaches test/hono/app.ts served there. */
import { expect, it } from "vitest";
import { expectResponse } from "../contract/run.js";
import type { ContractRequest, ContractResponse } from "../contract/table.js";

const key = { "x-api-key": "let-me-in" };
const json = { "content-type": "application/json" };

export function honoInterop(send: () => (request: ContractRequest) => Promise<ContractResponse>): void {
  it("the Hono app's own routes still answer", async () => {
    const response = await send()({ method: "GET", path: "/legacy" });
    expect([response.status, new TextDecoder().decode(response.body)]).toEqual([200, "still Hono"]);
  });

  it("Hono middleware runs in front of the jobs: it refuses before any job runs", async () => {
    const response = await send()({ method: "POST", path: "/api/user", headers: json, body: '{"name":"Alice"}' });
    expect(response.status).toBe(401);
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({ error: "an API key is required" });
  });

  it("a job mounted by app.route answers under the mount path, the middleware's header on its answer", async () => {
    const response = await send()({ method: "POST", path: "/api/user", headers: { ...json, ...key }, body: '{"name":"Alice"}' });
    expectResponse(response, { status: 201, headers: { "x-hono-middleware": "ran" }, json: { name: "Alice" } });
  });

  it("jobwrap's validation and problems, unchanged under Hono", async () => {
    expectResponse(await send()({ method: "GET", path: "/api/user/A1", headers: key }), {
      status: 400,
      problem: { title: "Bad Request", detail: "The request is invalid: 2 problems", errors: [{ pointer: "/params/name" }, { pointer: "/params/name" }] },
    });
    expectResponse(await send()({ method: "DELETE", path: "/api/user/Alice", headers: key }), {
      status: 405,
      headers: { allow: "GET, HEAD" },
      problem: { title: "Method Not Allowed", detail: "DELETE is not allowed here; try GET, HEAD" },
    });
    expectResponse(await send()({ method: "GET", path: "/api/nowhere", headers: key }), {
      status: 404,
      problem: { title: "Not Found", detail: "No route for GET /nowhere" },
    });
  });

  it("a job reads what the middleware set, through raw(ctx), and the client's address", async () => {
    const response = await send()({ method: "GET", path: "/api/whoami", headers: key });
    expectResponse(response, { status: 200, json: { caller: "tester", platform: "hono", ip: "127.0.0.1" } });
  });

  it("the same table mounted by app.all('/v2/*') answers there, with no middleware in front", async () => {
    const response = await send()({ method: "GET", path: "/v2/user/Alice" });
    expectResponse(response, { status: 200, headers: { "x-hono-middleware": null }, json: { name: "Alice" } });
  });
}
