import type { Cors } from "./cors.js";
import type { Extractors, Use } from "./use.js";
import { isJob, type AnyJob } from "./job.js";
import { paramSegment } from "./path-param.js";

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

export interface RouteKey {
  method: string;
  path: string;
}

export function parseRouteKey(key: string): RouteKey {
  const space = key.indexOf(" ");
  const method = key.slice(0, space);
  const path = key.slice(space + 1).trim();
  // A literal here rather than a module constant: read once per route key, and a mutation test can then vary it.
  if (space < 1 || !/^(?:[A-Z]+|ALL)$/.test(method) || !path.startsWith("/")) {
    throw new TypeError(`route "${key}" must look like "GET /user/:name"`);
  }
  return { method, path };
}

/** The trees `routes()` built, by table: a tree is never changed once built, so every matcher of a table shares it. */
const trees = new WeakMap<RouteTable, Node>();

/** A route table, checked and read once, here, rather than on the first request: a route added to the table afterwards is not served. */
export function routes<const T extends RouteTable>(table: T, options: RoutesOptions = {}): Routes<T> {
  const tree = treeOf(table);
  if (options.use) return { kind: "routes", table: withUse(table, options.use.extractors), options };
  // Kept for the matchers of this table: built once, not again when each adapter is made (a cold start's cost).
  trees.set(table, tree);
  return { kind: "routes", table, options };
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

/** A route's answer for its method: made once, returned as it is when the route has no parameters. */
interface Found {
  kind: "found";
  job: AnyJob;
  params: Record<string, string>;
  route: string | undefined;
  /** The parameter names in path order. */
  names: string[];
}

/** Method (or `ALL`) → the route that answers it. */
type Methods = Map<string, Found>;

/** A parameter's edge: its regex as written (`""` for a plain `:name`), the regex anchored, the subtree. */
type Edge = [string, RegExp | undefined, Node];

interface Node {
  statics?: Map<string, Node>;
  /** `:name{regex}` edges in the table's order, then the `:name` one (whatever the name). */
  params?: Edge[];
  /** The routes that end here. */
  methods?: Methods;
}

/** Every route without parameters shares it: read (and copied) by `decodeParams` only. */
const noParams: Record<string, string> = {};

/**
 * The table's tree of path segments: checked here, whether `routes()` is making the table or a
 * matcher is being compiled from it. Two keys of one method the tree cannot tell apart (`/x` and
 * `/x/`, `/p/:a` and `/p/:b`, `/list/:page?` and `/list`) are one route declared twice.
 */
function treeOf(table: RouteTable): Node {
  const root: Node = {};
  for (const [key, job] of Object.entries(table)) {
    const { method, path } = parseRouteKey(key);
    if (!isJob(job)) throw new TypeError(`route "${key}" must be a job`);
    const names: string[] = [];
    const found: Found = { kind: "found", job, params: noParams, route: path, names };
    const ends: Methods[] = [];
    const segments = path.split("/").filter((segment) => segment !== "");
    let node = root;
    segments.forEach((segment, at) => {
      // `pathParam`'s reading: name, regex, `?`.
      const param = paramSegment(segment);
      if (!param) {
        const statics = (node.statics ??= new Map());
        let child = statics.get(segment);
        if (!child) statics.set(segment, (child = {}));
        node = child;
      } else {
        const [, name, pattern = "", optional] = param;
        names.push(name!);
        // `:name?`: the route ends here too.
        if (optional && at === segments.length - 1) ends.push((node.methods ??= new Map()));
        const params = (node.params ??= []);
        let edge = params.find((e) => e[0] === pattern);
        if (!edge) {
          params.push((edge = [pattern, pattern ? new RegExp(`^(?:${pattern})$`) : undefined, {}]));
          // A stable sort: the regexes in the table's order, the plain edge last.
          params.sort((a, b) => +!a[0] - +!b[0]);
        }
        node = edge[2];
      }
    });
    ends.push((node.methods ??= new Map()));
    for (const methods of ends) {
      if (methods.has(method)) throw new TypeError(`route "${key}" is declared twice`);
      methods.set(method, found);
    }
  }
  return root;
}

/**
 * The route matcher: a tree of path segments, walked once per request (a Map lookup per
 * literal segment), so its cost does not grow with the table's size. Chosen by the `routes`
 * bench part over Hono's routers (bench/README.md, "Router").
 *
 * The syntax (`pathParam`'s regex reads a segment, as for the OpenAPI document and the client):
 * - `literal` matches itself exactly (case-sensitive, still percent-encoded); empty segments in a
 *   route path are ignored, and one trailing `/` in a request path is too.
 * - `:name` matches one non-empty segment; `:name{regex}` one the regex matches whole.
 * - `:name?` as the last segment: the route matches with and without it.
 *
 * Precedence, segment by segment from the left: a literal, then each `:name{regex}` in the
 * table's order, then a `:name`. A route that matches the path but not the method gives way to
 * the next route that matches both; when none does, the answer is 405 with every method of
 * every route that matches the path. Two routes of one method the tree cannot tell apart (`/x`
 * and `/x/`, `/p/:a` and `/p/:b`) are refused when the table is made.
 */

/** Compiles an app into a matcher. */
export function matcher(app: App): Matcher {
  if (app.kind === "job") {
    const found: Match = { kind: "found", job: app, params: noParams, route: undefined };
    return () => found;
  }
  const root = trees.get(app.table) ?? treeOf(app.table);
  // The walk's state: matching is synchronous, so one set per matcher serves every request.
  let target = "";
  let want = "";
  let hit: Found | undefined;
  let count = 0;
  /** The raw values of the parameters met so far. */
  const values: string[] = [];
  /** The routes that matched the path but not the method. */
  const missed: Methods[] = [];
  /** Whether a route matches from `pos` below `node`, `n` parameters met. */
  const walk = (node: Node, pos: number, n: number): boolean => {
    if (pos >= target.length) {
      const methods = node.methods;
      if (!methods) return false;
      // The route's own method, else its GET for HEAD, else its `ALL`.
      hit = methods.get(want) ?? methods.get(want === "HEAD" ? "GET" : "ALL") ?? methods.get("ALL");
      count = n;
      if (!hit) missed.push(methods);
      return hit !== undefined;
    }
    const from = pos + 1;
    let to = target.indexOf("/", from);
    if (to < 0) to = target.length;
    const child = node.statics?.get(target.slice(from, to));
    if (child && walk(child, to, n)) return true;
    // A parameter is never empty.
    if (to > from && node.params) {
      values[n] = target.slice(from, to);
      for (const [, test, next] of node.params) if ((!test || test.test(values[n]!)) && walk(next, to, n + 1)) return true;
    }
    return false;
  };
  return (method, sent) => {
    // One trailing `/` is ignored: sliced off (a copy only for such a path).
    target = sent.endsWith("/") ? sent.slice(0, -1) : sent;
    want = method;
    // Emptied only when a miss filled it: setting an array's length is a call into the runtime
    // even when nothing changes (1.4% of a Lambda GET).
    if (missed.length !== 0) missed.length = 0;
    if (!walk(root, 0, 0)) {
      if (missed.length === 0) return { kind: "no-route" };
      // 405: every method of every route that matches the path, HEAD with GET, in alphabetical order.
      const allow = new Set<string>();
      for (const methods of missed) for (const m of methods.keys()) allow.add(m);
      if (allow.has("GET")) allow.add("HEAD");
      return { kind: "wrong-method", allow: [...allow].sort().join(", ") };
    }
    // A route without parameters: its answer as made once, so that such a request allocates nothing.
    if (count === 0) return hit!;
    const { job, route, names } = hit!;
    // The keys are the route's own parameter names: a plain object is safe, and far quicker to fill than a null-prototype one.
    const params: Record<string, string> = {};
    for (let i = 0; i < count; i++) params[names[i]!] = values[i]!;
    return { kind: "found", job, params, route };
  };
}
