// Deadlines of requests in flight at once, in workerd: each must get its own 504. A timer set
// in one request's context does not fire for another's once the first has answered.
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundle } from "./bundle.js";

describe("deadlines of concurrent requests in workerd", () => {
  let mf: Miniflare;
  let base: string;
  beforeAll(async () => {
    const script = await bundle("test/workers/contract-worker.ts");
    mf = new Miniflare({ modules: true, script, compatibilityDate: "2026-04-26", kvNamespaces: ["USERS"] });
    base = (await mf.ready).href;
  });
  afterAll(() => mf.dispose());

  it("answers 504 to each of five overlapping slow jobs", async () => {
    const statuses = await Promise.all(
      [0, 40, 80, 120, 160].map(async (delay) => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        const response = await fetch(`${base}slow`);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    // The job itself answers 200 after 5 s: a 504 can only come from that request's own deadline.
    expect(statuses).toEqual([504, 504, 504, 504, 504]);
  });
});
