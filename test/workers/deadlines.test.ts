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

  it("answers 504 to each of five overlapping slow jobs, near its own deadline", async () => {
    const started = Date.now();
    const answers = await Promise.all(
      [0, 40, 80, 120, 160].map(async (delay) => {
        await new Promise((resolve) => setTimeout(resolve, delay));
        const response = await fetch(`${base}slow`);
        await response.arrayBuffer();
        return { status: response.status, at: Date.now() - started - delay };
      }),
    );
    expect(answers.map((answer) => answer.status)).toEqual([504, 504, 504, 504, 504]);
    // The job would answer 200 after 5 s: each 504 came from its own deadline of 100 ms.
    for (const answer of answers) expect(answer.at).toBeLessThan(3_000);
  });
});
