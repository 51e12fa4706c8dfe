/**
 * A request's `ctx` as its job sees it, and what the request's deadline does and does not do:
 * one abort signal for the request, aborted by the platform or at the deadline, never after a
 * job answered in time; a client that stops reading a stream cancels the job's stream; a job's
 * failure past its deadline logged with its error; `log: false` writes nothing anywhere.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { job, type Context, type JobResult, type LogEntry } from "../../src/index.js";
import { lineOf, serve } from "./harness.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("ctx.signal: one signal per request", () => {
  it("read twice, it is the same signal, and both readers see it abort at the deadline", async () => {
    let first: AbortSignal | undefined;
    let second: AbortSignal | undefined;
    const app = serve(
      job(
        {},
        async (_input, ctx) => {
          first = ctx.signal;
          second = ctx.signal;
          await new Promise((resolve) => first!.addEventListener("abort", resolve, { once: true }));
          return { body: "never sent" };
        },
        { timeout: 20 },
      ),
    );
    const got = await app.send();
    expect(got.status).toBe(504);
    expect(second).toBe(first);
    expect(first!.aborted).toBe(true);
    expect((first!.reason as Error).message).toBe("The job did not answer within its deadline of 20 ms");
  });

  it("a platform's signal already aborted when the job first reads ctx.signal: aborted, with the platform's reason", async () => {
    const gone = new Error("the client went away");
    let seen: AbortSignal | undefined;
    const app = serve(
      job({}, (_input, ctx) => {
        seen = ctx.signal;
        return { body: "ok" };
      }),
    );
    await app.send({}, { signal: AbortSignal.abort(gone) });
    expect(seen!.aborted).toBe(true);
    expect(seen!.reason).toBe(gone);
  });

  it("a platform's signal that aborts while the job runs: ctx.signal aborts with its reason", async () => {
    const platform = new AbortController();
    const gone = new Error("the client went away");
    let seen: AbortSignal | undefined;
    const app = serve(
      job({}, async (_input, ctx) => {
        seen = ctx.signal;
        expect(seen.aborted).toBe(false);
        platform.abort(gone);
        return { body: "ok" };
      }),
    );
    await app.send({}, { signal: platform.signal });
    expect(seen!.aborted).toBe(true);
    expect(seen!.reason).toBe(gone);
  });

  it("a job that answered before its deadline: its signal never aborts afterwards (work it left to waitUntil keeps running)", async () => {
    const kept: Promise<unknown>[] = [];
    let abortedLater: boolean | undefined;
    const app = serve(
      job(
        {},
        (_input, ctx: Context) => {
          const signal = ctx.signal;
          ctx.waitUntil(sleep(80).then(() => (abortedLater = signal.aborted)));
          return { body: "answered in time" };
        },
        { timeout: 20 },
      ),
    );
    const got = await app.send({}, { waitUntil: (promise) => void kept.push(promise) });
    expect(got.status).toBe(200);
    expect(got.text).toBe("answered in time");
    await Promise.all(kept);
    expect(abortedLater).toBe(false);
    expect(app.lines.map((line) => line.message)).toEqual(["GET / 200"]);
  });
});

describe("a platform whose timers belong to the request (Workers)", () => {
  it("with no deadline and no timeout, a job runs as long as it needs", async () => {
    const app = serve(
      job({}, async () => {
        await sleep(30);
        return { body: "took its time" };
      }),
    );
    const got = await app.send({}, { ownTimers: true });
    expect(got.status).toBe(200);
    expect(got.text).toBe("took its time");
  });

  it("with a deadline, the job answers 504 at it", async () => {
    const app = serve(job({}, () => new Promise<JobResult>(() => {})));
    const got = await app.send({}, { ownTimers: true, deadline: Date.now() + 20 });
    expect(got.status).toBe(504);
  });
});

describe("ctx.clientIp", () => {
  it("a platform that knows no peer: undefined, whatever X-Forwarded-For says", async () => {
    let seen: string | undefined = "unset";
    const app = serve(
      job({}, (_input, ctx) => {
        seen = ctx.clientIp;
        return {};
      }),
      { trustedProxies: 1 },
    );
    expect((await app.send({ headers: { "x-forwarded-for": "203.0.113.9" } })).status).toBe(204);
    expect(seen).toBeUndefined();
  });
});

describe("a job that fails after its deadline", () => {
  it("the WARNING line carries the job's error and the request id", async () => {
    const thrown = new Error("too late to matter");
    let logged!: () => void;
    const late = new Promise<void>((resolve) => (logged = resolve));
    const seen: LogEntry[] = [];
    const logging = serve(
      job(
        {},
        async () => {
          await sleep(40);
          throw thrown;
        },
        { timeout: 5 },
      ),
      {
        log: (entry) => {
          seen.push(entry);
          if (entry.message === "job failed after its deadline") logged();
        },
      },
    );
    const got = await logging.send({ headers: { "x-request-id": "late-1" } });
    expect(got.status).toBe(504);
    await late;
    const line = lineOf(seen, "job failed after its deadline");
    expect(line).toMatchObject({ severity: "WARNING", requestId: "late-1" });
    expect(line.error).toBe(thrown);
  });
});

describe("a client that stops reading a stream body", () => {
  it("cancels the job's stream with its reason; the deadline then cuts nothing and logs nothing", async () => {
    let cancelled: unknown = "not cancelled";
    const source = new ReadableStream<string>({
      pull: (controller) => controller.enqueue("chunk"),
      cancel: (reason) => void (cancelled = reason),
    });
    const app = serve(job({}, () => ({ body: source }), { timeout: 30 }));
    const out = await app.outgoing();
    expect(out.status).toBe(200);
    const body = out.body as ReadableStream<Uint8Array>;
    const reader = body.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("chunk");
    await reader.cancel("the client went away");
    expect(cancelled).toBe("the client went away");
    await sleep(60);
    expect(app.lines.map((line) => line.message)).toEqual(["GET / 200"]);
  });
});

describe("log: false", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes no line anywhere: not to a sink, not to stdout or stderr", async () => {
    const written: unknown[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void written.push(args));
    }
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: unknown) => (written.push(chunk), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => (written.push(chunk), true));
    const app = serve(
      job({}, (_input, ctx): JobResult => {
        ctx.log.error("a line nobody reads");
        throw new Error("failed");
      }),
      { log: false },
    );
    const got = await app.send();
    vi.restoreAllMocks();
    expect(got.status).toBe(500);
    expect(written).toEqual([]);
  });
});
