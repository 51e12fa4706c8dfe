/**
 * Several requests in flight on the shared deadline timer: once the earliest has answered 504,
 * the next one to answer 504 is the one whose deadline is next, whatever order the requests
 * came in, and not the last one that came.
 */
import { describe, expect, it } from "vitest";
import { job, type JobResult } from "../../src/index.js";
import { expectProblem, serve } from "./harness.js";

/** A job that waits until its request's `release`, or its deadline. */
function app() {
  const releases = new Map<string, () => void>();
  const served = serve(
    job({ name: (req) => req.path.slice(1) }, ({ name }) => new Promise<JobResult>((resolve) => releases.set(name, () => resolve({ body: `released ${name}` })))),
  );
  const send = (name: string, deadlineIn: number) => served.send({ path: `/${name}` }, { deadline: Date.now() + deadlineIn });
  return { send, release: (name: string) => releases.get(name)!() };
}

describe("the shared timer, three requests in flight", () => {
  it("first, middle, last deadline sent in that order: the middle one answers 504 at its deadline, not at the last one's", async () => {
    const { send, release } = app();
    const started = Date.now();
    const first = send("first", 20);
    const middle = send("middle", 250);
    const last = send("last", 20_000);
    expectProblem(await first, { status: 504, title: "Gateway Timeout" });
    expectProblem(await middle, { status: 504, title: "Gateway Timeout" });
    expect(Date.now() - started).toBeLessThan(8_000);
    release("last");
    expect((await last).text).toBe("released last");
  });

  it("the same, the last deadline sent between the other two", async () => {
    const { send, release } = app();
    const started = Date.now();
    const first = send("first", 20);
    const last = send("last", 20_000);
    const middle = send("middle", 250);
    expectProblem(await first, { status: 504, title: "Gateway Timeout" });
    expectProblem(await middle, { status: 504, title: "Gateway Timeout" });
    expect(Date.now() - started).toBeLessThan(8_000);
    release("last");
    expect((await last).text).toBe("released last");
  });
});

describe("the shared timer on a busy server that is never idle", () => {
  it("thousands of requests answered while one waits: none of them answers 504 later, and the waiting one does at its deadline", async () => {
    const { send, release } = app();
    const started = Date.now();
    const waiting = send("waiting", 600);
    // Each answered in turn while `waiting` holds the timer: their deadlines are disarmed, never due.
    for (let i = 0; i < 3_000; i++) {
      const quick = send(`quick${i}`, 300 + (i % 50));
      await new Promise((resolve) => setImmediate(resolve));
      release(`quick${i}`);
      expect((await quick).text).toBe(`released quick${i}`);
    }
    // One more whose deadline is earlier than `waiting`'s and that is never released.
    const stuck = send("stuck", 50);
    expectProblem(await stuck, { status: 504, title: "Gateway Timeout" });
    expectProblem(await waiting, { status: 504, title: "Gateway Timeout" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
  });

  it("a request armed after the others expired gets its own 504, and one released in time none", async () => {
    const { send, release } = app();
    expectProblem(await send("early", 20), { status: 504, title: "Gateway Timeout" });
    const late = send("late", 100);
    const kept = send("kept", 5_000);
    expectProblem(await late, { status: 504, title: "Gateway Timeout" });
    release("kept");
    expect((await kept).text).toBe("released kept");
  });
});
