// The Node server on Google's runtimes, in this process: which environment says it runs there,
// the lines it then writes on standard output as Cloud Logging files them (an httpRequest on the
// request's line, every line under the request's trace), and the project's id asked of the
// metadata server when the environment names none. google-logging.test.ts runs the App Engine
// example in a process of its own.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { job, routes } from "jobwrap";
import { wrap, type NodeOptions } from "jobwrap/node";
import { send } from "../support/http.js";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const app = routes({
  "GET /hello": job({}, (_input, ctx) => {
    ctx.log.info("hello from the job");
    return { body: "hi" };
  }),
});

const googleVariables = ["K_SERVICE", "GAE_SERVICE", "FUNCTION_TARGET", "GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "GCE_METADATA_HOST"];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The lines standard output gets for one traced request to `wrap(app, options)`, built with `env` set. */
async function linesOf(env: Record<string, string>, options: NodeOptions = {}, beforeRequest?: () => Promise<void>): Promise<Record<string, unknown>[]> {
  Object.assign(process.env, env);
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void lines.push(JSON.parse(String(line)) as Record<string, unknown>));
  const server = createServer(wrap(app, options));
  try {
    const host = await listen(server);
    await beforeRequest?.();
    await send(`http://${host}`, { method: "GET", path: "/hello?q=1", headers: { "x-cloud-trace-context": `${traceId}/123;o=1`, "x-request-id": traceId } });
  } finally {
    server.close();
  }
  return lines.filter((line) => line.requestId === traceId);
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const name of googleVariables) delete process.env[name];
});

describe("the Node server on Google's runtimes", () => {
  for (const variable of ["K_SERVICE", "GAE_SERVICE", "FUNCTION_TARGET"]) {
    it(`${variable} says it runs there: an httpRequest on the request's line, every line under the trace in the project`, async () => {
      const lines = await linesOf({ [variable]: "users", GOOGLE_CLOUD_PROJECT: "my-project" });
      expect(lines.map((line) => line.message)).toEqual(["hello from the job", "GET /hello 200"]);
      for (const line of lines) {
        expect(line).toMatchObject({
          "logging.googleapis.com/trace": `projects/my-project/traces/${traceId}`,
          "logging.googleapis.com/spanId": "000000000000007b",
          "logging.googleapis.com/trace_sampled": true,
        });
      }
      expect(lines[0]).not.toHaveProperty("httpRequest");
      expect(lines[1]!.httpRequest).toEqual({ requestMethod: "GET", requestUrl: "/hello", status: 200, latency: expect.stringMatching(/^\d+\.\d{3}s$/) });
    });
  }

  it("elsewhere: plain lines, no httpRequest and no trace fields", async () => {
    const lines = await linesOf({ GOOGLE_CLOUD_PROJECT: "my-project" });
    expect(lines.map((line) => line.message)).toEqual(["hello from the job", "GET /hello 200"]);
    for (const line of lines) expect(Object.keys(line).filter((key) => key === "httpRequest" || key.startsWith("logging.googleapis.com/"))).toEqual([]);
  });

  it("google: false there, plain lines; google with a projectId elsewhere, Google's lines in that project", async () => {
    const off = await linesOf({ K_SERVICE: "users", GOOGLE_CLOUD_PROJECT: "my-project" }, { google: false });
    expect(off[1]).not.toHaveProperty("httpRequest");
    expect(off[1]).not.toHaveProperty("logging.googleapis.com/trace");
    for (const name of googleVariables) delete process.env[name];
    vi.restoreAllMocks();
    const on = await linesOf({}, { google: { projectId: "named-project" } });
    expect(on[1]).toMatchObject({ "logging.googleapis.com/trace": `projects/named-project/traces/${traceId}`, httpRequest: { status: 200 } });
  });
});

describe("the project's id from the metadata server", () => {
  /** A metadata server answering `status` and `body`; the requests it got. */
  async function metadata(status: number, body: string) {
    const asked: IncomingMessage[] = [];
    const server = createServer((req, res) => {
      asked.push(req);
      res.writeHead(status, { "content-type": "application/text" }).end(body);
    });
    const host = await listen(server);
    return { host, asked, close: () => server.close() };
  }

  it("asks it once, at GCE_METADATA_HOST, as Google's libraries do, when only the runtime is known; later lines name the project", async () => {
    const server = await metadata(200, "meta-project\n");
    try {
      const lines = await linesOf({ K_SERVICE: "users", GCE_METADATA_HOST: server.host }, {}, () => vi.waitFor(() => expect(server.asked).toHaveLength(1), { interval: 5 }));
      expect(server.asked.map((req) => [req.method, req.url, req.headers["metadata-flavor"]])).toEqual([["GET", "/computeMetadata/v1/project/project-id", "Google"]]);
      await vi.waitFor(() => expect(lines.at(-1)).toHaveProperty("logging.googleapis.com/trace"));
      expect(lines.at(-1)!["logging.googleapis.com/trace"]).toBe(`projects/meta-project/traces/${traceId}`);
    } finally {
      server.close();
    }
  });

  it("takes no id that is not a project's, nor a failed answer's: the lines then carry the span alone", async () => {
    for (const [status, body] of [[200, "9lives"], [200, "x"], [200, "has space"], [200, `a${"b".repeat(101)}`], [200, "my-project!"], [404, "my-project"]] as const) {
      const server = await metadata(status, body);
      try {
        const lines = await linesOf({ K_SERVICE: "users", GCE_METADATA_HOST: server.host }, {}, async () => {
          await vi.waitFor(() => expect(server.asked).toHaveLength(1), { interval: 5 });
          // The answer is read after it is asked for: give it the time a good one takes.
          await new Promise((resolve) => setTimeout(resolve, 20));
        });
        expect(lines.at(-1), `${status} ${body}`).not.toHaveProperty("logging.googleapis.com/trace");
        expect(lines.at(-1), `${status} ${body}`).toHaveProperty("logging.googleapis.com/spanId", "000000000000007b");
      } finally {
        server.close();
        for (const name of googleVariables) delete process.env[name];
        vi.restoreAllMocks();
      }
    }
  });

  it("asks nothing when the environment names the project, nor off Google's runtimes", async () => {
    const server = await metadata(200, "meta-project");
    try {
      const named = await linesOf({ K_SERVICE: "users", GOOGLE_CLOUD_PROJECT: "env-project", GCE_METADATA_HOST: server.host });
      expect(named.at(-1)).toHaveProperty("logging.googleapis.com/trace", `projects/env-project/traces/${traceId}`);
      for (const name of googleVariables) delete process.env[name];
      vi.restoreAllMocks();
      const off = await linesOf({ GCE_METADATA_HOST: server.host }, { google: true });
      expect(off.at(-1)).not.toHaveProperty("logging.googleapis.com/trace");
      expect(server.asked).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("a metadata server that does not answer: lines without the project, and requests still served", async () => {
    const lines = await linesOf({ K_SERVICE: "users", GCE_METADATA_HOST: "127.0.0.1:9" });
    expect(lines.map((line) => line.message)).toEqual(["hello from the job", "GET /hello 200"]);
    expect(lines.at(-1)).not.toHaveProperty("logging.googleapis.com/trace");
  });
});
