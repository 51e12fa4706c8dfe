/**
 * A log sink that throws costs no request its answer on the functions-framework: the answer
 * goes out and stderr says the sink failed. (The contract's last-resort row covers a
 * response that cannot be made.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { job, routes } from "jobwrap";
import { send } from "../support/http.js";
import { serveFunction, type ServedFunction } from "./serve.js";

/** While the sink is down, every line it is given throws, the line about the failure too. */
let sinkDown = false;

const app = routes({
  "GET /hello": job({}, () => ({ body: "ok" })),
});

describe("the last-resort answer on the functions-framework", () => {
  let served: ServedFunction;
  beforeAll(async () => {
    served = await serveFunction("last-resort", app, {
      log: () => {
        if (sinkDown) throw new Error("the log sink is down");
      },
    });
  });
  afterAll(() => served.close());

  it("answers as if the sink were up, reports the failure on stderr, and keeps serving", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
    sinkDown = true;
    try {
      const response = await send(served.base, { method: "GET", path: "/hello", headers: { "x-request-id": "sink-down" } });
      expect([response.status, new TextDecoder().decode(response.body)]).toEqual([200, "ok"]);
      expect(stderr.mock.calls.flat()).toContain('{"severity":"ERROR","message":"the log sink failed","requestId":"sink-down"}');
    } finally {
      sinkDown = false;
      stderr.mockRestore();
    }
    expect((await send(served.base, { method: "GET", path: "/hello" })).status).toBe(200);
  });
});
