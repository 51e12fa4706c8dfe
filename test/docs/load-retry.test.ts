// A docs load that fails for a passing reason (here: too many open files while reading Swagger
// UI's stylesheet) answers a 500 problem and logs an ERROR once; the next docs request loads them
// again, and is answered.
import { describe, expect, it, vi } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import { serve } from "jobwrap/node";

const faults = vi.hoisted(() => ({ left: 0 }));

vi.mock("node:fs/promises", async (original) => {
  const actual = await original<typeof import("node:fs/promises")>();
  const readFile = ((...args: Parameters<typeof actual.readFile>) => {
    if (String(args[0]).endsWith("swagger-ui.css") && faults.left > 0) {
      faults.left -= 1;
      return Promise.reject(Object.assign(new Error("EMFILE: too many open files"), { code: "EMFILE" }));
    }
    return actual.readFile(...args);
  }) as typeof actual.readFile;
  return { ...actual, readFile, default: { ...actual, readFile } };
});

describe("docs whose first load fails", () => {
  it("answer a 500 problem and log the ERROR, then load again on the next request", async () => {
    faults.left = 1;
    const logs: LogEntry[] = [];
    const served = serve(routes({ "GET /up": job({}, () => ({})) }), { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry), docs: true });
    try {
      const { url } = await served.ready;
      const failed = await fetch(`${url}/docs`);
      expect([failed.status, await failed.json()]).toEqual([
        500,
        { type: "about:blank", title: "Internal Server Error", status: 500, detail: "The API docs could not be loaded" },
      ]);
      expect(logs.filter((entry) => entry.severity !== "INFO").map((entry) => [entry.severity, entry.message, (entry.error as { code?: string }).code])).toEqual([
        ["ERROR", "the API docs could not be loaded", "EMFILE"],
      ]);
      const page = await fetch(`${url}/docs`);
      expect([page.status, page.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
      expect((await fetch(`${url}/docs/swagger-ui.css`)).status).toBe(200);
      expect(logs.filter((entry) => entry.severity !== "INFO")).toHaveLength(1);
    } finally {
      await served.drain();
    }
  });
});
