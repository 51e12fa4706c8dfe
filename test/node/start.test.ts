// The README's first command as a new user runs it: `npm start`, then the README's requests.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { send } from "../support/http.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("npm start", () => {
  it("serves the users example on PORT, answers the README's requests, and stops on SIGTERM", async () => {
    // PORT=0: the kernel picks a free port, and the server's "listening on" line says which.
    const child = spawn("npm", ["start"], { cwd: root, env: { ...process.env, PORT: "0" }, detached: true });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toMatch(/listening on http:\/\/localhost:\d+/);
      const port = /listening on http:\/\/localhost:(\d+)/.exec(output)![1];
      const base = `http://127.0.0.1:${port}`;
      const json = { "content-type": "application/json" };
      const created = await send(base, { method: "POST", path: "/user", headers: json, body: '{"name":"Alice"}' });
      expect([created.status, new TextDecoder().decode(created.body)]).toEqual([201, '{"name":"Alice"}']);
      const read = await send(base, { method: "GET", path: "/user/Alice" });
      expect([read.status, new TextDecoder().decode(read.body)]).toEqual([200, '{"name":"Alice"}']);
      const bad = await send(base, { method: "GET", path: "/user/A1" });
      expect(bad.status).toBe(400);
      expect(bad.headers["content-type"]).toEqual(["application/problem+json"]);
      const wrong = await send(base, { method: "DELETE", path: "/user/Alice" });
      expect([wrong.status, wrong.headers.allow]).toEqual([405, ["GET, HEAD"]]);
    } finally {
      // The group may be gone already (npm start failed); the assertion that failed is the news.
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // ESRCH: nothing left to stop.
      }
    }
    // npm itself dies of the signal; the server it started drains and exits.
    await exited;
    expect(output).not.toMatch(/"severity":"(ERROR|CRITICAL)"/);
    await expect.poll(() => output, { timeout: 15_000 }).toContain('"message":"drained"');
  });
});
