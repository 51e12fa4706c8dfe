// The regexes are literals in the functions, not module constants (which a mutation test cannot
// vary): V8 compiles each literal once, so this costs a request nothing measurable.

/** A W3C `traceparent`: its trace and parent span ids and the sampled flag; undefined when it is not valid. */
export function parseTraceparent(header: string | string[] | undefined): { traceId: string; spanId: string; sampled: boolean } | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/.exec(header.trim());
  if (!match || match[1] === "ff" || /^0+$/.test(match[2]!) || /^0+$/.test(match[3]!)) return undefined;
  return { traceId: match[2]!, spanId: match[3]!, sampled: (parseInt(match[4]!, 16) & 1) === 1 };
}

/**
 * The platform's own id when it has one, else the caller's `x-request-id`, else the W3C
 * trace id, else a fresh UUID (`fresh`: the platform's `crypto.randomUUID`, unless the adapter
 * gives core a cheaper one, `fresh-id.ts`). Ids from outside are kept only when they are safe to echo.
 */
export function requestIdOf(headers: Readonly<Record<string, string | undefined>>, platformId?: string, fresh: () => string = randomId): string {
  if (platformId && isSafeId(platformId)) return platformId;
  const given = headers["x-request-id"];
  if (given !== undefined && isSafeId(given)) return given;
  return parseTraceparent(headers["traceparent"])?.traceId ?? fresh();
}

/** Visible ASCII without quotes or backslashes, short enough for a log line and a header. */
function isSafeId(id: string): boolean {
  return /^[\w.:@+=/-]{1,128}$/.test(id);
}

function randomId(): string {
  return crypto.randomUUID();
}
