/** A route path segment that names a parameter, in Hono's syntax: `:name`, `:name{regex}`, `:name?`. */
export interface PathParam {
  name: string;
  /** The regex in braces, unanchored, as Hono reads it. */
  pattern?: string;
  /** `?` on the last segment: the route matches with and without it. */
  optional: boolean;
}

/**
 * The reading itself, `[, name, regex, "?"]`: the route matcher (routes.ts) uses it as it is, to
 * stay small in a Worker. A function rather than a module constant, which a mutation test cannot
 * vary; it runs when a table is checked, not per request.
 */
export function paramSegment(segment: string): RegExpExecArray | null {
  return /^:([A-Za-z0-9_]+)(?:\{(.+)\})?(\?)?$/.exec(segment);
}

/**
 * The parameter a segment names, or undefined for a literal one. One reading for everything
 * that turns a route key into something else (the OpenAPI path, the client's URL), so they
 * cannot disagree on what the router matches.
 */
export function pathParam(segment: string): PathParam | undefined {
  const match = paramSegment(segment);
  if (!match) return undefined;
  const [, name, pattern, question] = match;
  return { name: name!, ...(pattern === undefined ? {} : { pattern }), optional: question !== undefined };
}
