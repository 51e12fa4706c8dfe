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
