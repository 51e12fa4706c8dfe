import { pathParam } from "./path-param.js";

/**
 * jobwrap's route matcher: fully static paths in one Map (one lookup, whatever the table's
 * size), the others in a tree of path segments walked once per request. Chosen by the `routes`
 * bench part over Hono's routers (bench/README.md, "Router").
 *
 * The syntax (`pathParam` reads a segment, as the OpenAPI document and the client do):
 * - `literal` matches itself exactly (case-sensitive, still percent-encoded); empty segments in a
 *   route path are ignored, and one trailing `/` in a request path is too.
 * - `:name` matches one non-empty segment; `:name{regex}` one whose whole value the regex
 *   matches (or several segments, if the regex takes the `/` between them).
 * - `:name?` as the last segment: the route matches with and without it.
 * - `*` matches one non-empty segment; as the last segment, the path and anything below it.
 *
 * Precedence, segment by segment from the left: a literal, then each `:name{regex}` in the
 * table's order, then each `:name`, then a `*` segment, then a last `*`. A route that matches
 * the path but not the method gives way to the next route that matches both; when none does,
 * the answer is 405 with every method of every route that matches the path.
 */

export interface Leaf<T> {
  /** Method (or `ALL`) → what the route has for it (the first, if two routes spell the same path). */
  byMethod: Map<string, T>;
  /** The parameter names in path order. */
  names: string[];
}

interface Param<T> {
  key: string;
  test: RegExp | undefined;
  node: Node<T>;
}

export interface Node<T> {
  leaf?: Leaf<T>;
  /** A last `*`: this path and any below it. */
  rest?: Leaf<T>;
  statics?: Map<string, Node<T>>;
  /** `:name{regex}` in the table's order, then `:name` ones. */
  params?: Param<T>[];
  /** A `*` segment. */
  any?: Node<T>;
}

/** The route path's segments, empty ones (a trailing or doubled `/`) dropped. */
const segmentsOf = (path: string): string[] => path.split("/").filter((segment) => segment !== "");

export class Router<T> {
  /** Fully static paths, without a trailing `/` (but `/`). */
  readonly statics = new Map<string, Leaf<T>>();
  readonly root: Node<T> = {};

  /** Adds a route; a second route on a path already added adds its method to the first's leaf. */
  add(method: string, path: string, value: T): void {
    const segments = segmentsOf(path);
    const last = segments.length - 1;
    const optional = last >= 0 && pathParam(segments[last]!)?.optional === true;
    if (optional) this.place(segments.slice(0, last), path, method, value);
    this.place(segments, path, method, value);
  }

  private place(segments: string[], route: string, method: string, value: T): void {
    const names: string[] = [];
    let node = this.root;
    let isStatic = true;
    let rest = false;
    segments.forEach((segment, at) => {
      if (segment === "*") {
        isStatic = false;
        if (at === segments.length - 1) rest = true;
        else node = node.any ??= {};
        return;
      }
      const param = pathParam(segment);
      if (!param) {
        node.statics ??= new Map();
        let child = node.statics.get(segment);
        if (!child) node.statics.set(segment, (child = {}));
        node = child;
        return;
      }
      if (names.includes(param.name)) throw new TypeError(`route "${method} ${route}" names :${param.name} twice`);
      names.push(param.name);
      isStatic = false;
      const key = `${param.name}{${param.pattern ?? ""}`;
      const params = (node.params ??= []);
      let edge = params.find((p) => p.key === key);
      if (!edge) {
        edge = { key, test: param.pattern === undefined ? undefined : new RegExp(`^(?:${param.pattern})$`), node: {} };
        // Constrained parameters before plain ones, each kind in the table's order.
        const plainAt = params.findIndex((p) => p.test === undefined);
        if (edge.test && plainAt >= 0) params.splice(plainAt, 0, edge);
        else params.push(edge);
      }
      node = edge.node;
    });
    const fresh = (): Leaf<T> => ({ byMethod: new Map(), names });
    let leaf: Leaf<T>;
    if (isStatic) {
      const key = `/${segments.join("/")}`;
      leaf = this.statics.get(key) ?? fresh();
      this.statics.set(key, leaf);
    } else if (rest) leaf = node.rest ??= fresh();
    else leaf = node.leaf ??= fresh();
    if (!leaf.byMethod.has(method)) leaf.byMethod.set(method, value);
  }
}

/**
 * Walks the tree for `path` (its length `end` without a trailing `/`), calling `visit` on each
 * route that matches, in precedence order, until one returns true. `values` holds the
 * parameters' raw values of the route being visited, `values[0..n)`.
 */
export function walk<T>(
  node: Node<T>,
  path: string,
  end: number,
  pos: number,
  n: number,
  values: string[],
  visit: (leaf: Leaf<T>, n: number) => boolean,
): boolean {
  if (pos >= end) return (node.leaf !== undefined && visit(node.leaf, n)) || (node.rest !== undefined && visit(node.rest, n));
  const from = pos + 1;
  let to = path.indexOf("/", from);
  if (to < 0 || to > end) to = end;
  const child = node.statics?.get(path.slice(from, to));
  if (child && walk(child, path, end, to, n, values, visit)) return true;
  if (to > from) {
    if (node.params) {
      for (const param of node.params) {
        if (param.test === undefined) {
          values[n] = path.slice(from, to);
          if (walk(param.node, path, end, to, n + 1, values, visit)) return true;
          continue;
        }
        // A regex may take several segments: each end at a `/` is tried, the shortest first.
        for (let stop = to; ; stop = path.indexOf("/", stop + 1)) {
          if (stop < 0 || stop > end) stop = end;
          const value = path.slice(from, stop);
          if (param.test.test(value)) {
            values[n] = value;
            if (walk(param.node, path, end, stop, n + 1, values, visit)) return true;
          }
          if (stop === end) break;
        }
      }
    }
    if (node.any && walk(node.any, path, end, to, n, values, visit)) return true;
  }
  return node.rest !== undefined && visit(node.rest, n);
}
