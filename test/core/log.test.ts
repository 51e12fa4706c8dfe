import { describe, expect, it, vi } from "vitest";
import { backendUnavailable, handle, job, prepare } from "../../src/index.js";

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

  it("writes what a 503 of backendUnavailable hides from its body: the driver's message and code, with the request id", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432"), { code: "ECONNREFUSED" });
    const failing = job({}, () => {
      throw backendUnavailable(refused);
    });
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
    try {
      const out = await handle(prepare(failing), { method: "GET", path: "/", query: "", headers: { "x-request-id": "db-1" } }, { name: "test", env: {} });
      expect(out.status).toBe(503);
      expect(out.headers).toContainEqual(["retry-after", "1"]);
      expect(String(out.body)).not.toContain("ECONNREFUSED");
    } finally {
      spy.mockRestore();
    }
    const line = lines.map((text) => JSON.parse(text) as Record<string, any>).find((entry) => entry.message === "job answered a server error");
    expect(line).toMatchObject({ requestId: "db-1", error: { cause: { message: "connect ECONNREFUSED 10.0.0.5:5432", code: "ECONNREFUSED" } } });
  });
});
