/** Visible ASCII without quotes or backslashes, short enough for a log line and a header. */
const safeId = /^[\w.:@+=/-]{1,128}$/;
const traceparent = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/;

/**
 * The platform's own id when it has one, else the caller's `x-request-id`, else the W3C
 * trace id, else a fresh UUID. Ids from outside are kept only when they are safe to echo.
 */
export function requestIdOf(headers: Readonly<Record<string, string | undefined>>, platformId?: string): string {
  if (platformId && safeId.test(platformId)) return platformId;
  const given = headers["x-request-id"];
  if (given !== undefined && safeId.test(given)) return given;
  const trace = headers["traceparent"];
  const match = trace === undefined ? null : traceparent.exec(trace.trim());
  if (match && match[1] !== "00000000000000000000000000000000") return match[1]!;
  return crypto.randomUUID();
}
