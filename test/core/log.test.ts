import { describe, expect, it } from "vitest";
import { handle, job, prepare } from "../../src/index.js";

describe("the default log", () => {
  it("still answers when a logged value cannot be written as JSON (a thrown circular object)", async () => {
    const circular: Record<string, unknown> = { reason: "cycle" };
    circular.self = circular;
    const failing = job({}, () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      throw circular;
    });
    const out = await handle(prepare(failing), { method: "GET", path: "/", query: "", headers: {} }, { name: "test", env: {} });
    expect(out.status).toBe(500);
  });
});
