/**
 * The zip `jobwrap build lambda` writes, unzipped as Lambda lays it out (LAMBDA_TASK_ROOT,
 * _HANDLER=index.handler) and run by `aws-lambda-ric` 3.3.0, the Node runtime client AWS ships,
 * against a Runtime API served here on loopback. This catches a wrong handler path, ESM/CJS
 * mix-ups and missing files before a deploy does.
 *
 * The runtime client builds native code: scripts/test-setup.sh builds it once, before the tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLambda } from "../../src/deploy/lambda/build.js";
import { albEvent, fixtureNames, fixture, urlEvent, v1Event, v2Event, type Json } from "./events.js";
import { expectEchoed } from "./expected.js";
import { builtRic } from "../../scripts/lambda-ric.js";
import { leftOut } from "../support/system.js";
import { RuntimeApi, splitStreamed, type Settled } from "./runtime-api.js";

/** Built before the tests by npm test's pretest (scripts/test-setup.sh), never inside one. */
function ricEntry(): string {
  const ric = builtRic();
  if ("missing" in ric) throw new Error(`aws-lambda-ric is not built (looked in ${ric.missing}); run bash scripts/test-setup.sh, as npm test does first`);
  return ric.entry;
}

/** Unzips a deployment package into a fresh directory, as Lambda does into /var/task. */
function unzipInto(zip: string): string {
  const root = mkdtempSync(join(tmpdir(), "jobwrap-task-"));
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zip)))) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), bytes, { mode: 0o644 });
  }
  return root;
}

interface Runtime {
  api: RuntimeApi;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts the runtime client as Lambda's bootstrap does: run(LAMBDA_TASK_ROOT, _HANDLER). */
async function startRuntime(entry: string, taskRoot: string, handler: string, env: Record<string, string> = {}): Promise<Runtime> {
  const api = new RuntimeApi();
  const address = await api.listen();
  const bootstrap = `import { run } from ${JSON.stringify(pathToFileURL(entry).href)};\nawait run(process.env.LAMBDA_TASK_ROOT, process.env._HANDLER);`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", bootstrap], {
    cwd: taskRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LANG: "en_US.UTF-8",
      TZ: ":UTC",
      AWS_LAMBDA_RUNTIME_API: address,
      LAMBDA_TASK_ROOT: taskRoot,
      _HANDLER: handler,
      AWS_LAMBDA_FUNCTION_NAME: "jobwrap-test",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
      AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/jobwrap-test",
      AWS_LAMBDA_LOG_STREAM_NAME: "2026/11/26/[$LATEST]0",
      AWS_REGION: "us-east-1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: Buffer[] = [];
  child.stdout!.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr!.on("data", (chunk: Buffer) => chunks.push(chunk));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      api.failAll(new Error(`the runtime exited (${signal ?? code})`));
      resolve();
    }),
  );
  return {
    api,
    child,
    output: () => Buffer.concat(chunks).toString(),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      await api.close();
    },
  };
}

async function invoke(runtime: Runtime, event: unknown, options?: { timeoutMs?: number; id?: string }): Promise<Settled> {
  try {
    return await runtime.api.invoke(event, options);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nruntime output:\n${runtime.output()}`);
  }
}

function resultOf(settled: Settled, runtime: Runtime): Json {
  if (settled.kind !== "response") throw new Error(`the function failed: ${settled.body.toString()}\n${runtime.output()}`);
  return JSON.parse(settled.body.toString());
}

describe.skipIf(leftOut("ric"))("aws-lambda-ric", () => {
  const out = mkdtempSync(join(tmpdir(), "jobwrap-build-"));
  const roots: string[] = [];
  const runtimes: Runtime[] = [];
  const start = async (zip: string, handler: string, env?: Record<string, string>) => {
    const root = unzipInto(zip);
    roots.push(root);
    const runtime = await startRuntime(ricEntry(), root, handler, env);
    runtimes.push(runtime);
    return runtime;
  };
  afterAll(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    for (const dir of [out, ...roots]) rmSync(dir, { recursive: true, force: true });
  });

  describe("the users example's zip (jobwrap build lambda examples/lambda/handler.ts) in aws-lambda-ric", () => {
    let runtime: Runtime;
    beforeAll(async () => {
      const built = await buildLambda({ entry: "examples/lambda/handler.ts", outDir: join(out, "example") });
      expect(built.handler).toBe("index.handler");
      runtime = await start(built.zip, built.handler);
    });

    it("holds index.mjs alone, and the runtime loads index.handler from it", () => {
      expect(Object.keys(unzipSync(readFileSync(join(out, "example", "function.zip"))))).toEqual(["index.mjs"]);
    });

    it("creates a user through an HTTP API event and reads it back through every other kind, warm", async () => {
      const created = resultOf(
        await invoke(runtime, v2Event({ method: "POST", path: "/user", headers: { "content-type": "application/json" }, body: '{"name":"Alice"}' }), { id: "create-1" }),
        runtime,
      );
      expect(created).toMatchObject({ statusCode: 201, isBase64Encoded: false, body: '{"name":"Alice"}' });
      expect(created.headers["x-request-id"]).toBe("create-1");
      const get = { method: "GET", path: "/user/Alice" };
      for (const event of [v1Event(get), urlEvent(get), albEvent(get, true), albEvent(get, false)]) {
        const result = resultOf(await invoke(runtime, event), runtime);
        expect(result.statusCode).toBe(200);
        expect(JSON.parse(result.body)).toEqual({ name: "Alice" });
      }
    });

    it("answers every fixture (none of them a users route) with a problem in its source's shape", async () => {
      for (const name of fixtureNames()) {
        const result = resultOf(await invoke(runtime, fixture(name), { id: `f-${name}` }), runtime);
        expect([404, 405], name).toContain(result.statusCode);
        const headers = result.multiValueHeaders
          ? Object.fromEntries(Object.entries(result.multiValueHeaders as Record<string, string[]>).map(([k, v]) => [k, v[0]]))
          : result.headers;
        expect(headers["content-type"]).toBe("application/problem+json");
        expect(headers["x-request-id"]).toBe(`f-${name}`);
        expect(JSON.parse(result.body)).toMatchObject({ status: result.statusCode, requestId: `f-${name}` });
        if (name.startsWith("alb-")) expect(result.statusDescription).toMatch(/^40[45] /);
      }
    });
  });

  describe("a handler echoing what it saw (test/lambda/ric-entry.ts) in aws-lambda-ric", () => {
    let runtime: Runtime;
    let streaming: Runtime;
    beforeAll(async () => {
      const built = await buildLambda({ entry: "test/lambda/ric-entry.ts", outDir: join(out, "entry") });
      runtime = await start(built.zip, "index.handler");
      streaming = await start(built.zip, "index.streaming");
    });

    it("every fixture: the job sees what the client sent, and the result has its source's shape", async () => {
      for (const name of fixtureNames()) {
        const result = resultOf(await invoke(runtime, fixture(name), { id: `echo-${name}` }), runtime);
        expectEchoed(name, result, `echo-${name}`);
        expect(JSON.parse(result.body).functionName).toBe("jobwrap-test");
      }
    });

    it("a job past the invocation's deadline answers 504 before Lambda would end it", async () => {
      const began = Date.now();
      const result = resultOf(await invoke(runtime, urlEvent({ method: "GET", path: "/?wait" }), { timeoutMs: 2_000 }), runtime);
      const took = Date.now() - began;
      expect(result.statusCode).toBe(504);
      expect(JSON.parse(result.body)).toMatchObject({ title: "Gateway Timeout" });
      expect(took).toBeGreaterThanOrEqual(1_300);
      expect(took).toBeLessThan(2_000);
    });

    it("streams a Function URL response: prelude, then the body chunk by chunk", async () => {
      const settled = await invoke(streaming, urlEvent({ method: "GET", path: "/stream" }), { id: "stream-1" });
      expect(settled.kind, settled.body.toString()).toBe("response");
      expect(settled.headers["lambda-runtime-function-response-mode"]).toBe("streaming");
      expect(settled.headers["content-type"]).toBe("application/vnd.awslambda.http-integration-response");
      expect(settled.trailers["lambda-runtime-function-error-type"]).toBeUndefined();
      const { prelude, body } = splitStreamed(settled.body);
      // `vary`: the contract app's CORS answers by Origin.
      expect(prelude).toEqual({ statusCode: 200, headers: { "content-type": "text/plain; charset=utf-8", vary: "Origin", "x-request-id": "stream-1" } });
      expect(body.toString()).toBe("one two three");
    });

    it("streams cookies, bytes and empty bodies through the prelude", async () => {
      const cookies = splitStreamed((await invoke(streaming, urlEvent({ method: "GET", path: "/cookies" }))).body);
      expect(cookies.prelude.cookies).toEqual(["a=1; Path=/; HttpOnly", "b=2; Path=/; Secure"]);
      expect(cookies.prelude.headers!["x-multi"]).toBe("one");
      expect(JSON.parse(cookies.body.toString())).toEqual({ ok: true });
      const bytes = splitStreamed((await invoke(streaming, urlEvent({ method: "GET", path: "/bytes" }))).body);
      expect([...bytes.body]).toEqual([0, 1, 2, 253, 254, 255]);
      const empty = splitStreamed((await invoke(streaming, urlEvent({ method: "GET", path: "/empty" }))).body);
      expect(empty.prelude.statusCode).toBe(204);
      expect(empty.body.length).toBe(0);
      const missing = splitStreamed((await invoke(streaming, v2Event({ method: "GET", path: "/nowhere" }))).body);
      expect(missing.prelude.statusCode).toBe(404);
      expect(missing.prelude.headers!["content-type"]).toBe("application/problem+json");
    });
  });

  describe("log records under the runtime client, in both of Lambda's log formats", () => {
    let zip: string;
    beforeAll(async () => {
      zip = (await buildLambda({ entry: "test/lambda/ric-entry.ts", outDir: join(out, "logs") })).zip;
    });

    /** The invocations' records: a failed job (ERROR twice), an extractor's refusal (WARN, then INFO), a 404 (INFO). */
    async function records(env: Record<string, string>, tag: string): Promise<{ lines: string[]; records: Json[] }> {
      const runtime = await start(zip, "index.contract", env);
      for (const [path, id] of [["/boom", "boom"], ["/tenant", "warn"], ["/user/Nobody", "info"]] as const) {
        resultOf(await invoke(runtime, v2Event({ method: "GET", path }), { id: `${tag}-${id}` }), runtime);
      }
      // A last failing invocation, logged at ERROR whatever the level: once its line is out, every earlier one is.
      resultOf(await invoke(runtime, v2Event({ method: "GET", path: "/boom" }), { id: `${tag}-end` }), runtime);
      await expect.poll(() => runtime.output()).toContain(`"requestId":"${tag}-end","platform":"lambda"`);
      const lines = runtime.output().split("\n").filter((line) => line.includes(`"${tag}-`) && !line.includes(`"${tag}-end"`));
      return { lines, records: lines.map((line) => JSON.parse(line) as Json) };
    }

    const trace = "1-5e9f0c65-1de4d666d4dd26aced652b6c";

    it("text format: each record one line of JSON, no prefix, at its own level, linked to the X-Ray trace", async () => {
      const { lines, records: found } = await records({}, "text");
      for (const line of lines) expect(line.startsWith("{"), line).toBe(true);
      const levels = Object.fromEntries(found.map((record) => [`${record.requestId} ${record.message}`, record.level]));
      expect(levels).toEqual({
        "text-boom job failed": "ERROR",
        "text-boom GET /boom 500": "ERROR",
        "text-warn extractor tenant refused the request": "WARN",
        "text-warn GET /tenant 400": "INFO",
        "text-info GET /user/Nobody 404": "INFO",
      });
      for (const record of found) expect(record).toMatchObject({ xray_trace_id: trace, timestamp: expect.any(String) });
      expect(found.some((record) => "severity" in record)).toBe(false);
    });

    it("JSON format with AWS_LAMBDA_LOG_LEVEL=WARN: the same records, not nested in Lambda's JSON, INFO dropped", async () => {
      const { records: found } = await records({ AWS_LAMBDA_LOG_FORMAT: "JSON", AWS_LAMBDA_LOG_LEVEL: "WARN" }, "json");
      expect(found.map((record) => [record.requestId, record.level, record.message])).toEqual([
        ["json-boom", "ERROR", "job failed"],
        ["json-boom", "ERROR", "GET /boom 500"],
        ["json-warn", "WARN", "extractor tenant refused the request"],
      ]);
      // Lambda's own JSON wraps what goes through console as a string: never these.
      for (const record of found) expect(String(record.message)).not.toContain("{");
    });
  });
});
