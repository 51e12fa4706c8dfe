import { pathParam } from "../core/path-param.js";

/** One OpenAPI path for a route's path, and what its template names. */
export interface TemplatedPath {
  /** `/user/{name}` */
  path: string;
  /** Each parameter in order, with the pattern Hono's `:name{regex}` puts on it. */
  params: { name: string; pattern?: string }[];
}

/**
 * Hono's `/user/:name` as OpenAPI's `/user/{name}`. An optional last parameter (`/:page?`)
 * matches with and without it, so it gives two paths; path parameters in OpenAPI are required.
 */
export function templatedPaths(path: string): TemplatedPath[] {
  const parts: string[] = [];
  const params: TemplatedPath["params"] = [];
  let optional = false;
  for (const part of path.split("/")) {
    const param = pathParam(part);
    if (!param) {
      parts.push(part);
      continue;
    }
    parts.push(`{${param.name}}`);
    params.push(param.pattern === undefined ? { name: param.name } : { name: param.name, pattern: `^${param.pattern}$` });
    optional = param.optional;
  }
  const full = { path: parts.join("/"), params };
  if (!optional) return [full];
  return [{ path: parts.slice(0, -1).join("/") || "/", params: params.slice(0, -1) }, full];
}

/** `GET /user/{name}` → `getUserByName`: stable and readable for generated clients. */
export function operationId(method: string, path: string): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .map((part) => {
      const param = /^\{(.+)\}$/.exec(part);
      return param ? `By ${param[1]}` : part;
    })
    .join(" ")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join("");
}
