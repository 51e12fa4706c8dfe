/**
 * The Node server as App Engine and Cloud Run run it (examples/appengine/server.ts in its own
 * process, the runtime's variables set): the lines it writes on standard output carry what Cloud
 * Logging reads, each request's linked to its trace from `X-Cloud-Trace-Context` or `traceparent`,
 * the project from GOOGLE_CLOUD_PROJECT or, as on Cloud Run, the metadata server.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { send } from "../support/http.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

interface Running {
  base: string;
  lines: () => Record<string, unknown>[];
  stop: () => Promise<void>;
}

async function start(env: Record<string, string>): Promise<Running> {
  const child = spawn(`${root}node_modules/.bin/tsx`, ["examples/appengine/server.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: "0", ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await expect.poll(() => output, { timeout: 15_000 }).toMatch(/listening on http:\/\/localhost:\d+/);
  const port = /listening on http:\/\/localhost:(\d+)/.exec(output)![1];
  return {
    base: `http://127.0.0.1:${port}`,
    lines: () =>
      output
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const stops: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(stops.map((stop) => stop())));

async function requestLine(running: Running, path: string, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await send(running.base, { method: "GET", path, headers });
  expect(response.status).toBe(404);
  const plain = path.split("?")[0];
  await expect.poll(() => running.lines().some((line) => line.path === plain)).toBe(true);
  return running.lines().filter((line) => line.path === plain).at(-1)!;
}

describe("Cloud Logging fields on the Node server", () => {
  it("on App Engine (GAE_SERVICE, GOOGLE_CLOUD_PROJECT): X-Cloud-Trace-Context links the request's line; httpRequest without the query", async () => {
    const running = await start({ GAE_SERVICE: "default", GOOGLE_CLOUD_PROJECT: "my-project" });
    stops.push(running.stop);
    const line = await requestLine(running, "/user/Nobody?token=secret", { "x-cloud-trace-context": `${traceId}/1;o=1` });
    expect(line).toMatchObject({
      severity: "INFO",
      requestId: traceId,
      "logging.googleapis.com/trace": `projects/my-project/traces/${traceId}`,
      "logging.googleapis.com/spanId": "0000000000000001",
      "logging.googleapis.com/trace_sampled": true,
      httpRequest: { requestMethod: "GET", requestUrl: "/user/Nobody", status: 404, latency: expect.stringMatching(/^\d+\.\d{3}s$/) },
    });
    expect(JSON.stringify(running.lines())).not.toContain("secret");
  });

  it("on Cloud Run (K_SERVICE, no project variable): traceparent, the project from the metadata server", async () => {
    let asked = 0;
    const metadata: Server = createServer((req, res) => {
      asked++;
      const ok = req.url === "/computeMetadata/v1/project/project-id" && req.headers["metadata-flavor"] === "Google";
      res.writeHead(ok ? 200 : 404, { "metadata-flavor": "Google" }).end(ok ? "meta-project" : "");
    });
    await new Promise<void>((resolve) => metadata.listen(0, "127.0.0.1", resolve));
    stops.push(() => new Promise((resolve) => metadata.close(() => resolve())));
    const running = await start({ K_SERVICE: "users", GCE_METADATA_HOST: `127.0.0.1:${(metadata.address() as AddressInfo).port}` });
    stops.push(running.stop);
    await expect.poll(() => asked).toBe(1);
    // The metadata answer may still be on its way into the server: ask until a line carries it.
    await expect
      .poll(async () => (await requestLine(running, "/user/Nobody", { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }))["logging.googleapis.com/trace"])
      .toBe(`projects/meta-project/traces/${traceId}`);
    const line = running.lines().filter((entry) => entry.path === "/user/Nobody").at(-1)!;
    expect(line).toMatchObject({ "logging.googleapis.com/spanId": "00f067aa0ba902b7", "logging.googleapis.com/trace_sampled": true });
  });

  it("elsewhere (no Google runtime variable): no trace fields and no httpRequest", async () => {
    const running = await start({});
    stops.push(running.stop);
    const line = await requestLine(running, "/user/Nobody", { "x-cloud-trace-context": `${traceId}/1;o=1` });
    expect(line.httpRequest).toBeUndefined();
    expect(Object.keys(line).filter((key) => key.startsWith("logging.googleapis.com/"))).toEqual([]);
  });
});
