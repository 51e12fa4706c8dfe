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
