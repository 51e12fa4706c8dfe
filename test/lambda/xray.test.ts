/**
 * On Lambda, with `@opentelemetry/api` installed and an SDK registered (its in-memory exporter
 * here), a request that names no trace of its own joins the invocation's X-Ray trace: the
 * runtime's `_X_AMZN_TRACE_ID` (`Root=1-…;Parent=…;Sampled=…`) read as AWS's OpenTelemetry
 * propagator reads it. A valid `traceparent` wins over it; a malformed header gives a root span.
 * The log lines' `xray_trace_id` names the same trace, by the same rules.
 */
import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import { wrap } from "jobwrap/lambda";
import { v2Event } from "./events.js";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => provider.register());
afterAll(() => provider.shutdown());

const header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

/** One invocation under the X-Ray header `xray` (unset when undefined): its status, the spans it finished, and its log records. */
async function invoke(xray: string | undefined, headers: Record<string, string> = {}) {
  const api = routes({
    "GET /user/:name": job({ params: v.object({ name: v.string() }) }, ({ params }, ctx) => {
      // Work the job traces itself: a child of the request's span.
      trace.getTracer("users").startActiveSpan("lookup", (span) => span.end());
      ctx.log.info("looked up");
      return { body: { name: params.name } };
    }),
  });
  const records: LogEntry[] = [];
  const handler = wrap(api, { log: (entry) => void records.push(entry) });
  exporter.reset();
  const saved = process.env["_X_AMZN_TRACE_ID"];
  if (xray === undefined) delete process.env["_X_AMZN_TRACE_ID"];
  else process.env["_X_AMZN_TRACE_ID"] = xray;
  try {
    const result = await handler(v2Event({ method: "GET", path: "/user/Ann", headers }), { awsRequestId: "aws-xray" });
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.instrumentationScope.name === "jobwrap");
    const lookup = spans.find((span) => span.name === "lookup");
    return { status: (result as { statusCode: number }).statusCode, spans, request, lookup, records };
  } finally {
    if (saved === undefined) delete process.env["_X_AMZN_TRACE_ID"];
    else process.env["_X_AMZN_TRACE_ID"] = saved;
  }
}

describe("the X-Ray trace of a Lambda invocation, with OpenTelemetry", () => {
  it("a request without traceparent: the span's parent is the X-Ray Parent, in the trace of its Root, sampled as it says", async () => {
    const { status, request, lookup, records } = await invoke(header);
    expect(status).toBe(200);
    expect(request!.name).toBe("GET /user/:name");
    expect(request!.spanContext().traceId).toBe("5759e988bd862e3fe1be46a994272793");
    expect(request!.spanContext().traceFlags).toBe(1);
    expect(request!.parentSpanContext).toMatchObject({ traceId: "5759e988bd862e3fe1be46a994272793", spanId: "53995c3f42cd8ad8", isRemote: true });
    // The job's own spans are in the same trace, children of the request's.
    expect(lookup!.spanContext().traceId).toBe("5759e988bd862e3fe1be46a994272793");
    expect(lookup!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    // The log lines name the trace the span joined, in X-Ray's form.
    expect(records.map((record) => [record.message, record["xray_trace_id"]])).toEqual([
      ["looked up", "1-5759e988-bd862e3fe1be46a994272793"],
      ["GET /user/Ann 200", "1-5759e988-bd862e3fe1be46a994272793"],
    ]);
  });

  it("reads the fields in any order, spaced, upper-case hex, beside fields it does not know", async () => {
    const { request, records } = await invoke(" Sampled=1 ; Lineage=a87bd80c:0 ;Parent=53995C3F42CD8AD8; Root=1-5759E988-BD862E3FE1BE46A994272793 ");
    expect(request!.spanContext().traceId).toBe("5759e988bd862e3fe1be46a994272793");
    expect(request!.parentSpanContext?.spanId).toBe("53995c3f42cd8ad8");
    expect(records.at(-1)!["xray_trace_id"]).toBe("1-5759e988-bd862e3fe1be46a994272793");
  });

  it("Sampled=0: the SDK's default sampler follows X-Ray's decision, and no span is recorded", async () => {
    const { status, spans, records } = await invoke(header.replace("Sampled=1", "Sampled=0"));
    expect(status).toBe(200);
    expect(spans).toEqual([]);
    expect(records.at(-1)!["xray_trace_id"]).toBe("1-5759e988-bd862e3fe1be46a994272793");
  });

  it("a valid traceparent wins over the X-Ray header; an invalid one does not", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const named = await invoke(header, { traceparent: `00-${traceId}-b7ad6b7169203331-01` });
    expect(named.request!.spanContext().traceId).toBe(traceId);
    expect(named.request!.parentSpanContext?.spanId).toBe("b7ad6b7169203331");
    // The log still names the invocation's X-Ray trace, where Lambda's own segments are.
    expect(named.records.at(-1)!["xray_trace_id"]).toBe("1-5759e988-bd862e3fe1be46a994272793");

    const invalid = await invoke(header, { traceparent: `00-${"0".repeat(32)}-b7ad6b7169203331-01` });
    expect(invalid.request!.spanContext().traceId).toBe("5759e988bd862e3fe1be46a994272793");
    expect(invalid.request!.parentSpanContext?.spanId).toBe("53995c3f42cd8ad8");
  });

  it("a span already active when the handler runs (the app's own instrumentation) stays the parent", async () => {
    let outer: { traceId: string; spanId: string } | undefined;
    const { request } = await trace.getTracer("instrumentation").startActiveSpan("invocation", async (span) => {
      outer = span.spanContext();
      try {
        return await invoke(header);
      } finally {
        span.end();
      }
    });
    expect(request!.spanContext().traceId).toBe(outer!.traceId);
    expect(request!.parentSpanContext?.spanId).toBe(outer!.spanId);
  });

  const root = "1-5759e988-bd862e3fe1be46a994272793";
  // [what is wrong, the header, the log's xray_trace_id: the root alone names the trace]
  const malformed: [string, string | undefined, string | undefined][] = [
    ["unset", undefined, undefined],
    ["empty", "", undefined],
    ["wrong version", "Root=2-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", undefined],
    ["short root", "Root=1-5759e988-bd862e3fe1be46a99427279;Parent=53995c3f42cd8ad8;Sampled=1", undefined],
    ["long root", "Root=1-5759e988-bd862e3fe1be46a9942727930;Parent=53995c3f42cd8ad8;Sampled=1", undefined],
    ["short epoch", "Root=1-5759e98-8bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", undefined],
    ["no dashes", "Root=1_5759e988_bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", undefined],
    ["non-hex root", "Root=1-5759e98g-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", undefined],
    ["all-zero root", "Root=1-00000000-000000000000000000000000;Parent=53995c3f42cd8ad8;Sampled=1", undefined],
    ["no root", "Parent=53995c3f42cd8ad8;Sampled=1", undefined],
    ["missing Parent", `Root=${root};Sampled=1`, root],
    ["short Parent", `Root=${root};Parent=53995c3f42cd8ad;Sampled=1`, root],
    ["non-hex Parent", `Root=${root};Parent=53995c3f42cd8adz;Sampled=1`, root],
    ["all-zero Parent", `Root=${root};Parent=0000000000000000;Sampled=1`, root],
    ["missing Sampled", `Root=${root};Parent=53995c3f42cd8ad8`, root],
    ["deferred Sampled", `Root=${root};Parent=53995c3f42cd8ad8;Sampled=?`, root],
  ];

  it.each(malformed)("%s: a root span in a trace of its own", async (_, xray, logged) => {
    const { status, request, records } = await invoke(xray);
    expect(status).toBe(200);
    expect(request!.parentSpanContext).toBeUndefined();
    expect(request!.spanContext().traceId).not.toBe("5759e988bd862e3fe1be46a994272793");
    expect(request!.spanContext().traceId).toMatch(/^[\da-f]{32}$/);
    expect(records.at(-1)!["xray_trace_id"]).toBe(logged);
  });
});
