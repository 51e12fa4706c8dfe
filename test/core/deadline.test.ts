/**
 * A request's deadline, through `handle`: the earlier of the platform's deadline and the job's
 * timeout wins; requests in flight together each keep their own deadline, on the shared timer
 * and on timers of their own (Workers); and async schemas are awaited, passing and failing,
 * inside that deadline. (`deadlines.test.ts` covers the timer module itself.)
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, routes, type Context, type JobResult } from "../../src/index.js";
import { expectProblem, serve, utf8 } from "./harness.js";

/**
 * Work that ends only when the request's signal aborts (rejecting with its reason), or, if
 * it never does, answers 200 "finished" after `fallback` ms: a deadline that does not fire
 * fails the test at once instead of hanging it.
 */
function untilAborted(ctx: Context, fallback = 3_000): Promise<JobResult> {
  return new Promise<JobResult>((resolve, reject) => {
    const timer = setTimeout(() => resolve({ body: "finished" }), fallback);
    ctx.signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      },
      { once: true },
    );
  });
}

const budgetOf = (detail: unknown): number => Number(/^The job did not answer within its deadline of (\d+) ms$/.exec(String(detail))?.[1]);

describe("the earlier of the platform's deadline and the job's timeout wins", () => {
  it("the platform's, when it is earlier", async () => {
    let seen: number | undefined;
    const app = serve(
      job({}, (_input, ctx) => {
        seen = ctx.deadline;
        return untilAborted(ctx);
      }, { timeout: 60_000 }),
    );
    const deadline = Date.now() + 50;
    const got = await app.send({}, { deadline });
    const doc = expectProblem(got, { status: 504, title: "Gateway Timeout" });
    expect(seen).toBe(deadline);
    expect(budgetOf(doc.detail)).toBeGreaterThanOrEqual(0);
    expect(budgetOf(doc.detail)).toBeLessThanOrEqual(50);
  });

  it("the job's timeout, when it is earlier", async () => {
    let seen: number | undefined;
    const app = serve(
      job({}, (_input, ctx) => {
        seen = ctx.deadline;
        return untilAborted(ctx);
      }, { timeout: 30 }),
    );
    const before = Date.now();
    const got = await app.send({}, { deadline: Date.now() + 60_000 });
    const after = Date.now();
    expectProblem(got, { status: 504, title: "Gateway Timeout", detail: "The job did not answer within its deadline of 30 ms" });
    expect(seen).toBeGreaterThanOrEqual(before + 30);
    expect(seen).toBeLessThanOrEqual(after + 30);
  });

  it("the platform's, when it is earlier than the app's timeout", async () => {
    const app = serve(job({}, (_input, ctx) => untilAborted(ctx)), { timeout: 60_000 });
    const deadline = Date.now() + 40;
    const got = await app.send({}, { deadline });
    expect(got.status).toBe(504);
  });

  it("the app's timeout, when it is earlier than the platform's", async () => {
    const app = serve(job({}, (_input, ctx) => untilAborted(ctx)), { timeout: 25 });
    const got = await app.send({}, { deadline: Date.now() + 60_000 });
    expectProblem(got, { status: 504, title: "Gateway Timeout", detail: "The job did not answer within its deadline of 25 ms" });
  });

  it("a job's own timeout overrides the app's, longer or shorter", async () => {
    const longer = serve(job({}, () => new Promise<JobResult>((resolve) => setTimeout(() => resolve({ body: "done" }), 60)), { timeout: 5_000 }), {
      timeout: 10,
    });
    expect((await longer.send()).text).toBe("done");
    const shorter = serve(job({}, (_input, ctx) => untilAborted(ctx), { timeout: 20 }), { timeout: 60_000 });
    expectProblem(await shorter.send(), { status: 504, title: "Gateway Timeout", detail: "The job did not answer within its deadline of 20 ms" });
  });

  it("a job that answers before the deadline answers as usual", async () => {
    const app = serve(job({}, async () => ({ body: "in time" }), { timeout: 1_000 }));
    const got = await app.send({}, { deadline: Date.now() + 1_000 });
    expect(got.status).toBe(200);
    expect(got.text).toBe("in time");
  });

  it("no deadline and no timeout: ctx.deadline is undefined", async () => {
    let seen: number | undefined = 0;
    await serve(
      job({}, (_input, ctx) => {
        seen = ctx.deadline;
        return {};
      }),
    ).send();
    expect(seen).toBeUndefined();
  });
});

describe.each([
  ["the shared timer", false],
  ["timers of their own (Workers)", true],
])("requests in flight together, on %s", (_name, ownTimers) => {
  /** A job that waits for its abort, or for `release` with the request's name. */
  function app() {
    const releases = new Map<string, () => void>();
    const served = serve(
      job({ name: (req) => req.path.slice(1) }, ({ name }, ctx) => {
        const work = untilAborted(ctx);
        return Promise.race([work, new Promise<JobResult>((resolve) => releases.set(name, () => resolve({ body: `released ${name}` })))]);
      }),
    );
    const send = (name: string, deadlineIn: number) => served.send({ path: `/${name}` }, { deadline: Date.now() + deadlineIn, ownTimers });
    const release = (name: string) => releases.get(name)!();
    return { send, release };
  }

  it("a later request with a later deadline does not push back an earlier one", async () => {
    const { send, release } = app();
    const started = Date.now();
    const early = send("early", 60);
    const late = send("late", 10_000);
    const answer = await early;
    expect(answer.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_500);
    release("late");
    expect((await late).text).toBe("released late");
  });

  it("an earlier deadline set after a later one still comes first", async () => {
    const { send, release } = app();
    const late = send("late", 10_000);
    const early = send("early", 60);
    expect((await early).status).toBe(504);
    release("late");
    expect((await late).status).toBe(200);
  });

  it("a request that answers early does not cancel the deadline of one still running", async () => {
    const { send, release } = app();
    const first = send("first", 30);
    const second = send("second", 120);
    await new Promise((resolve) => setTimeout(resolve, 5));
    release("first");
    expect((await first).text).toBe("released first");
    expect((await second).status).toBe(504);
  });

  it("each request keeps its own deadline: both expire", async () => {
    const { send } = app();
    const [a, b] = await Promise.all([send("a", 40), send("b", 90)]);
    expect(a.status).toBe(504);
    expect(b.status).toBe(504);
  });
});

describe("async schemas (pipeAsync, checkAsync) are awaited", () => {
  const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 1));
  const notTaken = v.pipeAsync(
    v.string(),
    v.checkAsync((value) => later(value !== "taken"), "that one is taken"),
  );

  const app = serve(
    routes({
      "GET /item/:id": job({ params: v.objectAsync({ id: notTaken }) }, ({ params }) => ({ body: params })),
      "GET /search": job({ query: v.objectAsync({ q: notTaken }) }, ({ query }) => ({ body: query })),
      "GET /pair": job(
        { query: v.pipeAsync(v.object({ a: v.string(), b: v.string() }), v.checkAsync(({ a, b }) => later(a !== b), "a and b differ")) },
        ({ query }) => ({ body: query }),
      ),
      "GET /upper": job({ query: v.objectAsync({ q: v.pipeAsync(v.string(), v.transformAsync((q) => later(q.toUpperCase()))) }) }, ({ query }) => ({
        body: query,
      })),
      "GET /keyed": job({ headers: v.objectAsync({ "x-key": notTaken }) }, ({ headers }) => ({ body: headers })),
      "POST /user": job({ body: v.objectAsync({ name: notTaken }) }, ({ body }) => ({ status: 201, body })),
      "POST /all/:id": job(
        {
          params: v.objectAsync({ id: notTaken }),
          query: v.objectAsync({ q: notTaken }),
          headers: v.objectAsync({ "x-key": notTaken }),
          body: v.objectAsync({ name: notTaken }),
        },
        () => ({}),
      ),
      "GET /slow-check": job(
        { query: v.objectAsync({ q: v.pipeAsync(v.string(), v.checkAsync(() => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 1_000)), "never")) }) },
        () => ({ body: "checked" }),
        { timeout: 20 },
      ),
    }),
  );

  const json = { "content-type": "application/json" };
  const invalid = (...pointers: string[]) => ({
    status: 400,
    title: "Bad Request",
    detail: `The request is invalid: ${pointers.length} problem${pointers.length > 1 ? "s" : ""}`,
    errors: pointers.map((pointer) => ({ pointer, detail: "that one is taken" })),
  });

  it("params: passing", async () => {
    expect((await app.send({ path: "/item/free" })).json()).toEqual({ id: "free" });
  });

  it("params: failing, 400 at /params/id", async () => {
    expectProblem(await app.send({ path: "/item/taken" }), invalid("/params/id"));
  });

  it("query: passing", async () => {
    expect((await app.send({ path: "/search", query: "q=free" })).json()).toEqual({ q: "free" });
  });

  it("query: failing, 400 at /query/q", async () => {
    expectProblem(await app.send({ path: "/search", query: "q=taken" }), invalid("/query/q"));
  });

  it("a check on the whole query: passing, and failing at /query", async () => {
    expect((await app.send({ path: "/pair", query: "a=1&b=2" })).json()).toEqual({ a: "1", b: "2" });
    expectProblem(await app.send({ path: "/pair", query: "a=1&b=1" }), {
      status: 400,
      title: "Bad Request",
      errors: [{ pointer: "/query", detail: "a and b differ" }],
    });
  });

  it("an async transform: the job gets its output", async () => {
    expect((await app.send({ path: "/upper", query: "q=abc" })).json()).toEqual({ q: "ABC" });
  });

  it("headers: passing, and failing at /headers/x-key", async () => {
    expect((await app.send({ path: "/keyed", headers: { "x-key": "free" } })).json()).toEqual({ "x-key": "free" });
    expectProblem(await app.send({ path: "/keyed", headers: { "x-key": "taken" } }), invalid("/headers/x-key"));
  });

  it("body: passing", async () => {
    const got = await app.send({ method: "POST", path: "/user", headers: json, body: utf8('{"name":"free"}') });
    expect(got.status).toBe(201);
    expect(got.json()).toEqual({ name: "free" });
  });

  it("body: failing, 400 at /body/name", async () => {
    expectProblem(await app.send({ method: "POST", path: "/user", headers: json, body: utf8('{"name":"taken"}') }), invalid("/body/name"));
  });

  it("every part failing at once: every problem, in the order params, query, headers, body", async () => {
    const got = await app.send({
      method: "POST",
      path: "/all/taken",
      query: "q=taken",
      headers: { ...json, "x-key": "taken" },
      body: utf8('{"name":"taken"}'),
    });
    expectProblem(got, invalid("/params/id", "/query/q", "/headers/x-key", "/body/name"));
  });

  it("an async check slower than the deadline: 504, without waiting for it", async () => {
    // Waiting for the check would answer 200 "checked" after a second.
    const got = await app.send({ path: "/slow-check", query: "q=x" });
    expectProblem(got, { status: 504, title: "Gateway Timeout", detail: "The job did not answer within its deadline of 20 ms" });
  });
});
