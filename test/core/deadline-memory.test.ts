/**
 * A request's deadline does not keep the request alive once it is answered: the shared list of
 * deadlines drops a finished call's callback at once, not when the list is next compacted, so
 * a busy server's finished requests (their context, their job's values) are collected young.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { job } from "../../src/index.js";
import { serve } from "./harness.js";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

describe("deadlines and memory", () => {
  it("finished calls are collectable while other calls are still in flight", async () => {
    const held: WeakRef<object>[] = [];
    let release!: () => void;
    const slow = serve(
      job({}, async () => {
        await new Promise<void>((resolve) => (release = resolve));
        return { body: "slow" };
      }),
      { timeout: 60_000 },
    );
    const quick = serve(
      job({}, (_input, ctx) => {
        // What a job's values would be: reachable from its request's context while it runs.
        held.push(new WeakRef(ctx));
        return { body: "quick" };
      }),
      { timeout: 60_000 },
    );
    // One call stays in flight, so the shared list of deadlines is neither emptied nor compacted (that waits for 64 finished).
    const inFlight = slow.send();
    for (let i = 0; i < 20; i++) expect((await quick.send()).text).toBe("quick");
    await new Promise((resolve) => setTimeout(resolve, 0));
    collect();
    expect(held.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    release();
    expect((await inFlight).text).toBe("slow");
  });
});
