import { describe, expect, it } from "vitest";
import { unwatch, watch } from "../../src/core/deadlines.js";

/** Resolves with the order in which watched entries expired, once `last` has. */
function expiring(at: number, order: string[], name: string): { entry: { at: number; expire(): void }; done: Promise<void> } {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return {
    entry: {
      at,
      expire: () => {
        order.push(name);
        resolve();
      },
    },
    done,
  };
}

describe("deadlines: one timer for every call in flight", () => {
  it("expires entries in deadline order, whatever order they were watched in", async () => {
    const order: string[] = [];
    const now = Date.now();
    const late = expiring(now + 30, order, "late");
    const early = expiring(now + 5, order, "early");
    watch(late.entry);
    watch(early.entry);
    await late.done;
    expect(order).toEqual(["early", "late"]);
  });

  it("never expires an entry unwatched before its deadline", async () => {
    const order: string[] = [];
    const now = Date.now();
    const dropped = expiring(now + 5, order, "dropped");
    const kept = expiring(now + 25, order, "kept");
    watch(dropped.entry);
    watch(kept.entry);
    unwatch(dropped.entry);
    await kept.done;
    expect(order).toEqual(["kept"]);
  });

  it("expires at once an entry whose deadline has passed", async () => {
    const order: string[] = [];
    const past = expiring(Date.now() - 1000, order, "past");
    watch(past.entry);
    await past.done;
    expect(order).toEqual(["past"]);
  });
});
