/**
 * Log records as Lambda and CloudWatch read them, in both of Lambda's log formats. The runtime
 * wraps what goes through `console`: in the text format it prefixes each line with a timestamp,
 * the request id and `INFO` (an ERROR read as INFO), in the JSON format it nests the line as a
 * string in its own JSON. Written to standard output directly, as Powertools' Logger does, a
 * record is one line of JSON whose `level` Lambda's JSON format and CloudWatch read as written.
 */
import type { PlatformDefaults } from "../../core/handle.js";
import { jsonLine } from "../../core/log.js";
import type { LogSink, Severity } from "../../core/types.js";
import { openTelemetry } from "../otel.js";
import { xrayParent, xrayTraceId } from "./xray.js";

/** Lambda's names for the levels (its JSON format and `AWS_LAMBDA_LOG_LEVEL`). */
const lambdaLevel: Record<Severity, string> = { DEBUG: "DEBUG", INFO: "INFO", WARNING: "WARN", ERROR: "ERROR" };

export const lambdaSink: LogSink = ({ severity, time, ...fields }) => {
  const record = { timestamp: time ?? new Date().toISOString(), level: lambdaLevel[severity] ?? "ERROR", ...fields };
  process.stdout.write(jsonLine(record) + "\n");
};

/**
 * The X-Ray trace of the invocation, which the runtime sets per invocation: `Root=1-…;Parent=…;Sampled=…`.
 * Its root is read by the same rules as the span's parent (`xray.ts`): a root that is no valid
 * X-Ray trace id writes no field.
 */
export function xrayLogFields(): Record<string, unknown> | undefined {
  const traceId = xrayTraceId(process.env["_X_AMZN_TRACE_ID"]);
  // The field name Powertools writes, which CloudWatch's X-Ray console links from.
  return traceId ? { xray_trace_id: traceId } : undefined;
}

/**
 * How the Lambda adapter logs (`lambdaSink`, at `AWS_LAMBDA_LOG_LEVEL`, the function's log level
 * setting, else `LOG_LEVEL`) and traces: a request without a trace context of its own joins the
 * invocation's X-Ray trace, read when the request comes (the runtime sets it per invocation).
 */
export function lambdaDefaults(): PlatformDefaults {
  return {
    sink: lambdaSink,
    levels: [process.env["AWS_LAMBDA_LOG_LEVEL"], process.env["LOG_LEVEL"]],
    tracer: openTelemetry("lambda", () => xrayParent(process.env["_X_AMZN_TRACE_ID"])),
  };
}
