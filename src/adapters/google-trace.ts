/**
 * Google's trace context, as the fields Cloud Logging reads to file a request's log lines
 * under its trace: https://cloud.google.com/logging/docs/structured-logging#special-payload-fields
 * Google's front end sends `traceparent` (W3C) and `X-Cloud-Trace-Context` on every request
 * to Cloud Functions, Cloud Run and App Engine; the two name the same trace.
 */
import { jsonLine } from "../core/log.js";
import { parseTraceparent } from "../core/request-id.js";
import type { LogSink } from "../core/types.js";

interface GoogleTrace {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits, as Cloud Logging wants it; absent when the header names none. */
  spanId: string | undefined;
  sampled: boolean;
}

/** `TRACE_ID/SPAN_ID;o=OPTIONS`, the span id in decimal; only the trace id is required. */
const cloudTraceContext = /^([\da-f]{32})(?:\/(\d{1,20}))?(?:;o=(\d+))?$/i;
const zeros = /^0+$/;
const maxSpan = 2n ** 64n - 1n;

/** The trace of a request, from `traceparent`, else `X-Cloud-Trace-Context`; undefined when neither is valid. */
export function traceOf(headers: Readonly<Record<string, string | string[] | undefined>>): GoogleTrace | undefined {
  return parseTraceparent(headers["traceparent"]) ?? fromCloudTraceContext(headers["x-cloud-trace-context"]);
}

function fromCloudTraceContext(header: string | string[] | undefined): GoogleTrace | undefined {
  if (typeof header !== "string") return undefined;
  const match = cloudTraceContext.exec(header.trim());
  if (!match || zeros.test(match[1]!)) return undefined;
  const span = match[2] === undefined ? 0n : BigInt(match[2]);
  return {
    traceId: match[1]!.toLowerCase(),
    // Cloud Logging takes the span as 16 hex digits; this header carries it in decimal.
    spanId: span === 0n || span > maxSpan ? undefined : span.toString(16).padStart(16, "0"),
    sampled: match[3] === "1",
  };
}

/**
 * The Cloud Logging fields for a trace. The trace field needs the project's id
 * (`projects/P/traces/T`); without one it is left out rather than written in a form
 * Cloud Logging would not link.
 */
export function traceLogFields(trace: GoogleTrace, projectId: string | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (projectId) fields["logging.googleapis.com/trace"] = `projects/${projectId}/traces/${trace.traceId}`;
  if (trace.spanId) fields["logging.googleapis.com/spanId"] = trace.spanId;
  fields["logging.googleapis.com/trace_sampled"] = trace.sampled;
  return fields;
}

/** The project's id as Google's runtimes and client libraries name it in the environment. */
export function projectIdFromEnv(env: Readonly<Record<string, string | undefined>>): string | undefined {
  return env["GOOGLE_CLOUD_PROJECT"]?.trim() || env["GCLOUD_PROJECT"]?.trim() || undefined;
}

/**
 * Records as Cloud Logging reads them from standard output: the level in `severity` (as core
 * writes it), and the request's own line with an `httpRequest` (method, path without its query,
 * status, latency), which the Logs Explorer shows as the request's summary.
 */
export const googleSink: LogSink = (entry) => {
  if (typeof entry.durationMs !== "number") {
    console.log(jsonLine(entry));
    return;
  }
  const httpRequest = {
    requestMethod: entry.method,
    requestUrl: entry.path,
    status: entry.status,
    latency: `${(entry.durationMs / 1000).toFixed(3)}s`,
  };
  console.log(jsonLine({ ...entry, httpRequest }));
};

/** Google's runtimes each name themselves in the environment: Cloud Run (`K_SERVICE`), App Engine (`GAE_SERVICE`), Cloud Functions (`FUNCTION_TARGET`). */
export function onGoogle(env: Readonly<Record<string, string | undefined>>): boolean {
  return Boolean(env["K_SERVICE"] || env["GAE_SERVICE"] || env["FUNCTION_TARGET"]);
}

const metadataTimeoutMs = 2_000;

/**
 * The project's id from the metadata server, which every Google runtime has (Cloud Run sets no
 * `GOOGLE_CLOUD_PROJECT`); `GCE_METADATA_HOST` moves it, as Google's client libraries allow.
 * Undefined when it does not answer.
 */
export async function projectIdFromMetadata(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const host = env["GCE_METADATA_HOST"] || "metadata.google.internal";
  try {
    const response = await fetch(`http://${host}/computeMetadata/v1/project/project-id`, {
      headers: { "metadata-flavor": "Google" },
      signal: AbortSignal.timeout(metadataTimeoutMs),
    });
    const id = response.ok ? (await response.text()).trim() : "";
    return /^[a-z][\w.:-]{1,100}$/i.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The trace fields of each request's log lines, for a project known from `projectId`, the
 * environment, or (on Google's runtimes) the metadata server, asked once: lines before it
 * answers carry the span and sampled flag only.
 */
export function traceFieldsFor(projectId: string | undefined, env: Readonly<Record<string, string | undefined>>) {
  let project = projectId ?? projectIdFromEnv(env);
  if (project === undefined && onGoogle(env)) void projectIdFromMetadata(env).then((found) => (project = found));
  return (headers: Readonly<Record<string, string | string[] | undefined>>): { traceId: string; fields: Record<string, unknown> } | undefined => {
    const trace = traceOf(headers);
    return trace && { traceId: trace.traceId, fields: traceLogFields(trace, project) };
  };
}
