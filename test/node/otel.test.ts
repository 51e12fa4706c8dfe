/**
 * With `@opentelemetry/api` installed and an SDK registered (its in-memory exporter here), the
 * Node server makes one span per request: the route's pattern, the status and the request id as
 * attributes, the caller's `traceparent` as its parent, and the job's own spans as its children.
 * The Lambda handler makes the same, one per invocation. Without an SDK registered, the package is
 * not even looked for.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpError, job, routes } from "jobwrap";
import { wrap } from "jobwrap/lambda";
import { serve, type Served } from "jobwrap/node";
import { serveFunction } from "../cloud-functions/serve.js";
import { v2Event } from "../lambda/events.js";
import { send } from "../support/http.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => provider.register());
afterAll(() => provider.shutdown());

const api = routes({
  "GET /user/:name": job({ params: v.object({ name: v.string() }) }, ({ params }) => {
    // Work the job traces itself: a child of the request's span.
    trace.getTracer("users").startActiveSpan("lookup", (span) => span.end());
    if (params.name !== "Ann") throw new HttpError(404, "no such user");
    return { body: { name: "Ann" } };
  }),
  "GET /boom": job({}, () => {
    throw new Error("down");
  }),
});

describe("OpenTelemetry spans on the Node server", () => {
  let served: Served;
  let base: string;
  beforeAll(async () => {
    served = serve(api, { port: 0, host: "127.0.0.1", signals: [], log: false });
    base = (await served.ready).url;
  });
  afterAll(() => served.drain());

  it("one server span per request, named by its route, with the status and request id", async () => {
    exporter.reset();
    await send(base, { method: "GET", path: "/user/Ann", headers: { "x-request-id": "otel-1" } });
    await send(base, { method: "GET", path: "/user/Bob", headers: { "x-request-id": "otel-2" } });
    await send(base, { method: "GET", path: "/boom", headers: { "x-request-id": "otel-3" } });
    const spans = exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name === "jobwrap");
    expect(spans.map((span) => [span.name, span.attributes["http.route"], span.attributes["http.response.status_code"], span.attributes["jobwrap.request_id"]])).toEqual([
      ["GET /user/:name", "/user/:name", 200, "otel-1"],
      ["GET /user/:name", "/user/:name", 404, "otel-2"],
      ["GET /boom", "/boom", 500, "otel-3"],
    ]);
    expect(spans.map((span) => span.status.code)).toEqual([0, 0, 2]);
  });

  it("continues the caller's traceparent, and the job's own spans are its children", async () => {
    exporter.reset();
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    await send(base, { method: "GET", path: "/user/Ann", headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.instrumentationScope.name === "jobwrap")!;
    const lookup = spans.find((span) => span.name === "lookup")!;
    expect(request.spanContext().traceId).toBe(traceId);
    expect(request.parentSpanContext?.spanId).toBe("00f067aa0ba902b7");
    expect(lookup.spanContext().traceId).toBe(traceId);
    expect(lookup.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
  });
});

describe("OpenTelemetry spans on Lambda", () => {
  it("one server span per invocation, its request id the awsRequestId, continuing the event's traceparent", async () => {
    exporter.reset();
    const handler = wrap(api, { log: false });
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    await handler(v2Event({ method: "GET", path: "/user/Bob", headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } }), {
      awsRequestId: "aws-1",
    });
    const [span] = exporter.getFinishedSpans().filter((finished) => finished.instrumentationScope.name === "jobwrap");
    expect(span).toMatchObject({
      name: "GET /user/:name",
      attributes: { "http.route": "/user/:name", "http.response.status_code": 404, "jobwrap.request_id": "aws-1", "jobwrap.platform": "lambda" },
    });
    expect(span!.spanContext().traceId).toBe(traceId);
  });
});

describe("without an SDK registered", () => {
  // In a process of its own: this file's SDK is registered in this one.
  const child = `
    import { createRequire } from "node:module";
    import { readFileSync } from "node:fs";
    const root = process.argv[1];
    const { job } = await import(root + "src/index.ts");
    const { wrap } = await import(root + "src/adapters/lambda/index.ts");
    const { serve } = await import(root + "src/adapters/node.ts");
    const app = job({}, () => ({ body: { ok: true } }));
    const answer = await wrap(app, { log: false })(JSON.parse(readFileSync(root + "test/fixtures/lambda/apigw-v2-basic.json", "utf8")), { awsRequestId: "a-1" });
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false });
    const got = await fetch((await served.ready).url + "/x");
    await served.drain();
    const require = createRequire(import.meta.url);
    const loaded = () => Object.keys(require.cache).filter((file) => file.includes("@opentelemetry"));
    const before = loaded();
    require("@opentelemetry/api");
    console.log(JSON.stringify({ lambda: answer.statusCode, node: got.status, before, after: loaded().length }));
  `;

  it("Lambda and the Node server answer, and @opentelemetry/api, although installed, is not loaded", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child, root], { cwd: root });
    const seen = JSON.parse(stdout) as { lambda: number; node: number; before: string[]; after: number };
    expect(seen).toMatchObject({ lambda: 200, node: 200, before: [] });
    // The check itself sees the package once something loads it.
    expect(seen.after).toBeGreaterThan(0);
  });
});

describe("OpenTelemetry spans name their platform", () => {
  it("node on the Node server, cloud-functions on the functions-framework", async () => {
    exporter.reset();
    const served = serve(api, { port: 0, host: "127.0.0.1", signals: [], log: false });
    const fn = await serveFunction("otel", api, { log: false });
    try {
      await send((await served.ready).url, { method: "GET", path: "/user/Ann" });
      await send(fn.base, { method: "GET", path: "/user/Ann" });
    } finally {
      await served.drain();
      await fn.close();
    }
    const spans = exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name === "jobwrap");
    expect(spans.map((span) => [span.attributes["jobwrap.platform"], span.attributes["url.path"], span.attributes["http.request.method"]])).toEqual([
      ["node", "/user/Ann", "GET"],
      ["cloud-functions", "/user/Ann", "GET"],
    ]);
  });
});
