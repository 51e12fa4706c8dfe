import { describe, expect, it } from "vitest";
import { handle, job, prepare, type LogEntry } from "../../src/index.js";

describe("a job past its deadline", () => {
  it("answers 504, and its later failure is logged, not thrown", async () => {
    let failed!: () => void;
    const late = new Promise<void>((resolve) => (failed = resolve));
    const lines: LogEntry[] = [];
    const slow = job({}, async () => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      throw new Error("too late to matter");
    });
    const app = prepare(slow, {
      timeout: 5,
      log: (entry) => {
        lines.push(entry);
        if (entry.message === "job failed after its deadline") failed();
      },
    });
    const out = await handle(app, { method: "GET", path: "/", query: "", headers: {} }, { name: "test", env: {} });
    expect(out.status).toBe(504);
    await late;
    expect(lines.find((line) => line.message === "job failed after its deadline")?.severity).toBe("WARNING");
  });
});

describe("a deadline that passes while the request is still being read", () => {
  it("answers 504 without waiting for the extractor, and the job's later failure is logged", async () => {
    const lines: LogEntry[] = [];
    let loggedLate!: () => void;
    const late = new Promise<void>((resolve) => (loggedLate = resolve));
    // An extractor that only lets go when its signal aborts (a lookup that hangs), then a job that fails.
    const slowLookup = job(
      {
        tenant: (_req, ctx) =>
          new Promise<string>((resolve) => ctx.signal.addEventListener("abort", () => resolve("late"))),
      },
      async () => {
        throw new Error("failed after the answer");
      },
    );
    const app = prepare(slowLookup, {
      timeout: 5,
      log: (entry) => {
        lines.push(entry);
        if (entry.message === "job failed after its deadline") loggedLate();
      },
    });
    const out = await handle(app, { method: "GET", path: "/", query: "", headers: {} }, { name: "test", env: {} });
    expect(out.status).toBe(504);
    await late;
    expect(lines.some((line) => line.message === "job failed")).toBe(false);
  });
});
