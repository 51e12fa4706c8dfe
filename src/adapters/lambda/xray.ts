/**
 * X-Ray's trace header, which the Lambda runtime sets for each invocation in `_X_AMZN_TRACE_ID`
 * (API Gateway and ALB send the same as `X-Amzn-Trace-Id`):
 * `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`.
 * Read as AWS's OpenTelemetry propagator (`@opentelemetry/propagator-aws-xray`) reads it: the
 * root, version 1 with 8 and 24 hex digits, is the W3C trace id `5759e988bd862e3fe1be46a994272793`;
 * `Parent` the parent span id; `Sampled=1` or `0` the sampled flag. Fields are `;`-separated
 * `Key=value` pairs in any order, others (`Lineage`, `Self`) ignored.
 */
import type { RemoteParent } from "../otel.js";

const root = /^1-([\da-f]{8})-([\da-f]{24})$/i;
const spanId = /^[\da-f]{16}$/i;
const zeros = /^0+$/;

function fieldsOf(header: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0) fields.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return fields;
}

/** The trace id of a root, as 32 lower-case hex digits; undefined when the root is no valid X-Ray trace id. */
function traceIdOf(value: string | undefined): string | undefined {
  const match = value === undefined ? null : root.exec(value);
  const traceId = match ? (match[1]! + match[2]!).toLowerCase() : undefined;
  return traceId === undefined || zeros.test(traceId) ? undefined : traceId;
}

/** The X-Ray trace id (`1-5759e988-bd862e3fe1be46a994272793`) the header names; undefined when its root is not valid. */
export function xrayTraceId(header: string | undefined): string | undefined {
  const traceId = header ? traceIdOf(fieldsOf(header).get("Root")) : undefined;
  return traceId && `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}

/**
 * The span the header names, as a remote parent: undefined unless the root, the parent (16 hex
 * digits, not all zero) and the sampled flag (`1` or `0`) are all valid, as the propagator
 * would have it.
 */
export function xrayParent(header: string | undefined): RemoteParent | undefined {
  if (!header) return undefined;
  const fields = fieldsOf(header);
  const traceId = traceIdOf(fields.get("Root"));
  const parent = fields.get("Parent");
  const sampled = fields.get("Sampled");
  if (traceId === undefined || parent === undefined || !spanId.test(parent) || zeros.test(parent)) return undefined;
  if (sampled !== "1" && sampled !== "0") return undefined;
  return { traceId, spanId: parent.toLowerCase(), sampled: sampled === "1" };
}
