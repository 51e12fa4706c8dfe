/**
 * When even handle() fails (here, a log sink that throws), the function still
 * answers a problem rather than leaving the request hanging or the framework's crash page.
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

  it("answers 500 problem+json, reports the failure on stderr, and keeps serving", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
    sinkDown = true;
    try {
      const response = await send(served.base, { method: "GET", path: "/hello" });
      expect(response.status).toBe(500);
      expect(response.headers["content-type"]).toEqual(["application/problem+json"]);
      expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500 });
      expect(stderr.mock.calls.flat().join(" ")).toContain("jobwrap failed to answer");
    } finally {
      sinkDown = false;
      stderr.mockRestore();
    }
    expect((await send(served.base, { method: "GET", path: "/hello" })).status).toBe(200);
  });
});
