/**
 * What the request deadlines' timer does to the process and to far deadlines, as a Node server
 * sees it: the timer keeps the process alive only while a request waits on it; a deadline weeks
 * away is no deadline now; and on a platform whose timers belong to the request (Workers), a
 * request answered in time is never aborted later.
 */
import { afterAll, describe, expect, it } from "vitest";
import { job, type JobResult } from "../../src/index.js";
import { serve } from "./harness.js";

/**
 * The timers set from here on (jobwrap's and this file's: the test runner keeps timers of its own
 * that come and go, such as its 100 ms report timer): how many of those neither fired nor cleared
 * keep this process alive (an unref'd timer does not).
 */
const pending = new Set<ReturnType<typeof setTimeout>>();
/** How many of them fired: each one woke the process. */
let fired = 0;
/** How many were set. */
let created = 0;
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
/** This spec's own waits are not counted. */
const sleep = (ms: number) => new Promise((resolve) => realSetTimeout(resolve, ms));
globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const handle = realSetTimeout((...given: unknown[]) => {
    pending.delete(handle);
    fired++;
    callback(...given);
  }, ms, ...args);
  pending.add(handle);
  created++;
  return handle;
}) as unknown as typeof setTimeout;
globalThis.clearTimeout = ((handle?: ReturnType<typeof setTimeout>) => {
  if (handle !== undefined) pending.delete(handle);
  realClearTimeout(handle);
}) as typeof clearTimeout;
afterAll(() => {
  globalThis.setTimeout = realSetTimeout;
  globalThis.clearTimeout = realClearTimeout;
});
const liveTimers = () => [...pending].filter((handle) => handle.hasRef()).length;

describe("the deadline timer and the life of the process", () => {
  it("holds the process only while a request waits on its deadline", async () => {
    let release!: () => void;
    const app = serve(job({}, () => new Promise<JobResult>((resolve) => (release = () => resolve({ body: "done" })))));
    const answer = app.send({}, { deadline: Date.now() + 60_000 });
    await sleep(5);
    const waiting = liveTimers();
    release();
    expect((await answer).text).toBe("done");
    await sleep(5);
    expect(waiting).toBe(1);
    expect(liveTimers()).toBe(0);
  });

  it("holds it again for the next request, whose deadline is later than the one the timer is still set for", async () => {
    const releases: (() => void)[] = [];
    const app = serve(job({}, () => new Promise<JobResult>((resolve) => releases.push(() => resolve({ body: "done" })))));
    const first = app.send({}, { deadline: Date.now() + 60_000 });
    await sleep(5);
    releases[0]!();
    expect((await first).text).toBe("done");
    await sleep(5);
    // The timer is still set for the first deadline, a minute away, but holds nothing now.
    const idle = liveTimers();
    const second = app.send({}, { deadline: Date.now() + 120_000 });
    await sleep(5);
    const waiting = liveTimers();
    releases[1]!();
    expect((await second).text).toBe("done");
    await sleep(5);
    expect([idle, waiting, liveTimers()]).toEqual([0, 1, 0]);
  });

  it("holds nothing once both requests are answered, the second one's deadline coming first", async () => {
    const releases: (() => void)[] = [];
    const app = serve(job({}, () => new Promise<JobResult>((resolve) => releases.push(() => resolve({ body: "done" })))));
    const first = app.send({}, { deadline: Date.now() + 60_000 });
    await sleep(5);
    const second = app.send({}, { deadline: Date.now() + 30_000 });
    await sleep(5);
    const waiting = liveTimers();
    for (const release of releases) release();
    expect([(await first).text, (await second).text]).toEqual(["done", "done"]);
    await sleep(5);
    expect([waiting, liveTimers()]).toEqual([1, 0]);
  });

  it("does not wake the process while a request waits for a deadline still seconds away", async () => {
    let release!: () => void;
    const app = serve(job({}, () => new Promise<JobResult>((resolve) => (release = () => resolve({ body: "done" })))));
    const firedBefore = fired;
    // Two seconds: earlier than every deadline the requests before it left the timer set for, so the timer is set for this one.
    const answer = app.send({}, { deadline: Date.now() + 2_000 });
    await sleep(40);
    const wakeups = fired - firedBefore;
    release();
    expect((await answer).text).toBe("done");
    expect(wakeups).toBe(0);
  });
});

describe("a platform that runs work after the microtasks queued so far (Node's process.nextTick, from a promise callback, as a Lambda runtime calls its handler)", () => {
  // A deadline a second away: earlier than any timer the specs above left set, so each request here needs one.
  it("sets no timer for a request answered within the turn, where the timer is set at once otherwise", async () => {
    const app = serve(job({}, async () => ({ body: "done" })));
    const before = created;
    const deferred = await app.send({}, { deadline: Date.now() + 1_000, afterTurn: process.nextTick });
    const afterDeferred = created;
    // The rest of this spec runs in the same turn: let it end, so that the deferred check runs.
    await new Promise((resolve) => setImmediate(resolve));
    const heldAfterTurn = liveTimers();
    const beforeImmediate = created;
    const immediate = await app.send({}, { deadline: Date.now() + 500 });
    expect([deferred.text, immediate.text]).toEqual(["done", "done"]);
    expect([afterDeferred - before, heldAfterTurn, created - beforeImmediate]).toEqual([0, 0, 1]);
  });

  it("sets the timer for the call still waiting, not for one answered earlier in the same turn", async () => {
    let release!: () => void;
    const app = serve(
      job({ name: (req) => req.path.slice(1) }, ({ name }) =>
        name === "quick" ? { body: "quick" } : new Promise<JobResult>((resolve) => (release = () => resolve({ body: "slow" }))),
      ),
    );
    const firedBefore = fired;
    const slow = app.send({ path: "/slow" }, { deadline: Date.now() + 60_000, afterTurn: process.nextTick });
    const quick = await app.send({ path: "/quick" }, { deadline: Date.now() + 10, afterTurn: process.nextTick });
    await sleep(40);
    const wakeups = fired - firedBefore;
    release();
    expect([quick.text, (await slow).text, wakeups]).toEqual(["quick", "slow", 0]);
  });

  it("sets the timer for a request still waiting after the turn: it holds the process and answers 504 at the deadline", async () => {
    const app = serve(job({}, () => new Promise<JobResult>(() => {})));
    const answer = app.send({}, { deadline: Date.now() + 40, afterTurn: process.nextTick });
    await sleep(5);
    const waiting = liveTimers();
    expect((await answer).status).toBe(504);
    await sleep(5);
    expect([waiting, liveTimers()]).toEqual([1, 0]);
  });

  it("answers 504 at once for a deadline already passed", async () => {
    const app = serve(job({}, () => new Promise<JobResult>(() => {})));
    const started = Date.now();
    const got = await app.send({}, { deadline: started - 1_000, afterTurn: process.nextTick });
    expect(got.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it.each([
    ["the late one first", ["late", "early"]],
    ["the early one first", ["early", "late"]],
  ])("sets one timer for the earliest of the requests still waiting (%s)", async (_order, order) => {
    let release!: () => void;
    const app = serve(
      job({ name: (req) => req.path.slice(1) }, ({ name }) =>
        new Promise<JobResult>((resolve) => {
          if (name === "late") release = () => resolve({ body: "late" });
        }),
      ),
    );
    const before = created;
    const deadlineIn: Record<string, number> = { late: 60_000, early: 30 };
    const sent = new Map(order.map((name) => [name, app.send({ path: `/${name}` }, { deadline: Date.now() + deadlineIn[name]!, afterTurn: process.nextTick })]));
    const [late, early] = [sent.get("late")!, sent.get("early")!];
    expect((await early).status).toBe(504);
    // One timer for the early deadline, then one for the late, set when the early one expired.
    expect(created - before).toBe(2);
    release();
    expect((await late).text).toBe("late");
  });
});

describe("the deadline timer after a deadline passed", () => {
  it("a request answered 504 at its deadline leaves no timer holding the process", async () => {
    const app = serve(job({}, () => new Promise<JobResult>(() => {})));
    const got = await app.send({}, { deadline: Date.now() + 10 });
    expect(got.status).toBe(504);
    await sleep(5);
    expect(liveTimers()).toBe(0);
  });

  it("a request answered in time while another waits for its 504: after the 504 no timer holds the process", async () => {
    const releases = new Map<string, () => void>();
    const app = serve(
      job({ name: (req) => req.path.slice(1) }, ({ name }) => new Promise<JobResult>((resolve) => releases.set(name, () => resolve({ body: name })))),
    );
    const stuck = app.send({ path: "/stuck" }, { deadline: Date.now() + 30 });
    const quick = app.send({ path: "/quick" }, { deadline: Date.now() + 60_000 });
    await sleep(5);
    releases.get("quick")!();
    expect((await quick).text).toBe("quick");
    expect((await stuck).status).toBe(504);
    await sleep(5);
    expect(liveTimers()).toBe(0);
  });
});

describe("a job whose timeout is Infinity", () => {
  it("has no deadline: it answers, and no timer is set for it", async () => {
    // First a 504, after which the shared timer is set for nothing.
    const stuck = serve(job({}, () => new Promise<JobResult>(() => {})));
    expect((await stuck.send({}, { deadline: Date.now() + 10 })).status).toBe(504);
    let release!: () => void;
    const app = serve(
      job({}, () => new Promise<JobResult>((resolve) => (release = () => resolve({ body: "answered" }))), { timeout: Number.POSITIVE_INFINITY }),
    );
    const answer = app.send();
    await sleep(5);
    const waiting = liveTimers();
    release();
    expect((await answer).text).toBe("answered");
    expect(waiting).toBe(0);
  });
});

describe("a deadline further away than a timer can wait (2^31 - 1 ms, about 24.8 days)", () => {
  it.each([
    ["the shared timer", false],
    ["timers of the request's own (Workers)", true],
  ])("%s: it is not taken for a deadline already passed, the job answers", async (_timers, ownTimers) => {
    const app = serve(
      job({}, async () => {
        await sleep(20);
        return { body: "answered" };
      }),
    );
    const got = await app.send({}, { ownTimers, deadline: Date.now() + 30 * 24 * 3600 * 1000 });
    expect(got.status).toBe(200);
    expect(got.text).toBe("answered");
  });
});

describe("timers of the request's own (Workers)", () => {
  it("a job that answered before its deadline: its signal never aborts afterwards", async () => {
    const kept: Promise<unknown>[] = [];
    let abortedLater: boolean | undefined;
    const app = serve(
      job(
        {},
        (_input, ctx) => {
          const signal = ctx.signal;
          ctx.waitUntil(sleep(60).then(() => (abortedLater = signal.aborted)));
          return { body: "answered in time" };
        },
        { timeout: 15 },
      ),
    );
    const got = await app.send({}, { ownTimers: true, waitUntil: (promise) => void kept.push(promise) });
    expect(got.text).toBe("answered in time");
    await Promise.all(kept);
    expect(abortedLater).toBe(false);
  });
});
