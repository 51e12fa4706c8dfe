// src/core/routes.ts as it was before jobwrap had its own router: Hono's PatternRouter matches.
// The routes part bundles it in place of src/core/routes.ts for the "jobwrap-pattern" rows.
import { PatternRouter } from "hono/router/pattern-router";
import type { Cors } from "../../src/core/cors.js";
import type { Extractors, Use } from "../../src/core/use.js";
import { isJob, type AnyJob } from "../../src/core/job.js";

/** A route table: `"METHOD /path/:param"` keys to jobs. `ALL /path` answers any method. */
export type RouteTable = Record<string, AnyJob>;

/** What a route table says for all its routes. */
export interface RoutesOptions {
  /** CORS for every route and preflight, `cors({ origin })`; `wrap`/`serve`'s own `cors` overrides it. */
  cors?: Cors;
  /** Extractors run for every route (`use({ token: bearer(check) })`), but a job's with `public: true`. */
  use?: Use<Extractors>;
}

export interface Routes<T extends RouteTable = RouteTable> {
  readonly kind: "routes";
  readonly table: T;
  readonly options: RoutesOptions;
}

/** What `wrap` and `serve` take: one job (answers on any path) or a route table. */
export type App = AnyJob | Routes;

const methodPattern = /^(?:[A-Z]+|ALL)$/;

export interface RouteKey {
  method: string;
  path: string;
}

export function parseRouteKey(key: string): RouteKey {
  const space = key.indexOf(" ");
  const method = key.slice(0, space);
  const path = key.slice(space + 1).trim();
  if (space < 1 || !methodPattern.test(method) || !path.startsWith("/")) {
    throw new TypeError(`route "${key}" must look like "GET /user/:name"`);
  }
  return { method, path };
}

/** A route table, checked once here rather than on the first request. */
export function routes<const T extends RouteTable>(table: T, options: RoutesOptions = {}): Routes<T> {
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(table)) {
    const { method, path } = parseRouteKey(key);
    if (!isJob(value)) throw new TypeError(`route "${key}" must be a job`);
    const normal = `${method} ${path}`;
    if (seen.has(normal)) throw new TypeError(`route "${key}" is declared twice`);
    seen.add(normal);
  }
  return { kind: "routes", table: options.use ? withUse(table, options.use.extractors) : table, options };
}

/** Each job of the table with the shared extractors first, but those that opt out or name them already (made by `use().job`). */
function withUse<T extends RouteTable>(table: T, extractors: Extractors): T {
  const out: RouteTable = {};
  for (const [key, job] of Object.entries(table)) {
    const spec = job.spec as Record<string, unknown>;
    const has = Object.keys(extractors).every((name) => spec[name] === extractors[name]);
    out[key] = job.options.public || has ? job : { ...job, spec: { ...extractors, ...job.spec } };
  }
  return out as T;
}

export type Match =
  | { kind: "found"; job: AnyJob; params: Record<string, string>; route: string | undefined }
  | { kind: "no-route" }
  | { kind: "wrong-method"; allow: string };

interface PathEntry {
  pattern: string;
  byMethod: Map<string, AnyJob>;
  allow: string;
}

export type Matcher = (method: string, path: string) => Match;

const noParams: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

/** Compiles an app into a matcher. Routes are matched by Hono's PatternRouter: small and tested. */
export function matcher(app: App): Matcher {
  if (app.kind === "job") {
    const found: Match = { kind: "found", job: app, params: noParams, route: undefined };
    return () => found;
  }
  const entries = new Map<string, PathEntry>();
  for (const [key, job] of Object.entries(app.table)) {
    const { method, path } = parseRouteKey(key);
    let entry = entries.get(path);
    if (!entry) entries.set(path, (entry = { pattern: path, byMethod: new Map(), allow: "" }));
    entry.byMethod.set(method, job);
  }
  const router = new PatternRouter<PathEntry>();
  for (const entry of entries.values()) {
    const methods = new Set(entry.byMethod.keys());
    if (methods.has("GET")) methods.add("HEAD");
    entry.allow = methods.has("ALL") ? "" : [...methods].sort().join(", ");
    router.add("ALL", entry.pattern, entry);
  }
  return (method, path) => {
    const [handlers] = router.match("ALL", path);
    if (handlers.length === 0) return { kind: "no-route" };
    for (const [entry, params] of handlers) {
      const job =
        entry.byMethod.get(method) ??
        (method === "HEAD" ? entry.byMethod.get("GET") : undefined) ??
        entry.byMethod.get("ALL");
      if (job) return { kind: "found", job, params: params as Record<string, string>, route: entry.pattern };
    }
    const allow = new Set<string>();
    for (const [entry] of handlers) for (const m of entry.allow.split(", ")) allow.add(m);
    return { kind: "wrong-method", allow: [...allow].join(", ") };
  };
}
