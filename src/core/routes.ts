import type { Cors } from "./cors.js";
import type { Extractors, Use } from "./use.js";
import { isJob, type AnyJob } from "./job.js";
import { Router, walk, type Leaf } from "./router.js";

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

export type Matcher = (method: string, path: string) => Match;

const noParams: Record<string, string> = Object.freeze(Object.create(null) as Record<string, string>);

type Found = Extract<Match, { kind: "found" }>;

/** What a route has for a method: its own, else GET's for HEAD, else its `ALL`. */
const foundFor = (leaf: Leaf<Found>, method: string): Found | undefined =>
  leaf.byMethod.get(method) ?? (method === "HEAD" ? leaf.byMethod.get("GET") : undefined) ?? leaf.byMethod.get("ALL");

/** The methods a 405 names for the routes that match a path: each one's, HEAD with GET, in alphabetical order. */
function allowOf(leaves: Leaf<Found>[]): string {
  const methods = new Set<string>();
  for (const leaf of leaves) for (const method of leaf.byMethod.keys()) methods.add(method);
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort().join(", ");
}

/** Compiles an app into a matcher: jobwrap's own router (router.ts), with the precedence it documents. */
export function matcher(app: App): Matcher {
  if (app.kind === "job") {
    const found: Match = { kind: "found", job: app, params: noParams, route: undefined };
    return () => found;
  }
  // Each route's answer is made once; a static route's is returned as it is, so such a request allocates nothing.
  const router = new Router<Found>();
  for (const [key, job] of Object.entries(app.table)) {
    const { method, path } = parseRouteKey(key);
    router.add(method, path, { kind: "found", job, params: noParams, route: path });
  }
  // The walk's state: matching is synchronous, so one set per matcher serves every request.
  const values: string[] = [];
  const missed: Leaf<Found>[] = [];
  let want = "";
  let found: Found | undefined;
  let count = 0;
  let names: string[] = [];
  const visit = (leaf: Leaf<Found>, n: number): boolean => {
    found = foundFor(leaf, want);
    if (!found) {
      missed.push(leaf);
      return false;
    }
    count = n;
    names = leaf.names;
    return true;
  };
  return (method, path) => {
    let end = path.length;
    if (end > 1 && path.charCodeAt(end - 1) === 47) end -= 1;
    const exact = router.statics.get(end === path.length ? path || "/" : path.slice(0, end));
    missed.length = 0;
    if (exact) {
      const own = foundFor(exact, method);
      if (own) return own;
      missed.push(exact);
    }
    want = method;
    if (walk(router.root, path, end, 0, 0, values, visit)) {
      const { job, route } = found!;
      if (count === 0) return found!;
      const params = Object.create(null) as Record<string, string>;
      for (let i = 0; i < count; i++) params[names[i]!] = values[i]!;
      return { kind: "found", job, params, route };
    }
    if (missed.length === 0) return { kind: "no-route" };
    return { kind: "wrong-method", allow: allowOf(missed) };
  };
}
