// The route table of the `routes` part: `BENCH_ROUTES` routes (2 or 500) shaped like a real
// API, the users service's two routes (the measured ones) last.

export interface TableRoute {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
}

/** How many routes this process's table has: `BENCH_ROUTES`, 2 by default. */
export const routeCount = (): number => Number(process.env.BENCH_ROUTES ?? 2);

const resources = [
  "projects", "members", "invoices", "keys", "webhooks", "events", "deployments", "domains", "certificates",
  "alerts", "logs", "metrics", "secrets", "tokens", "roles", "teams", "audits", "builds", "artifacts",
  "regions", "quotas", "plans", "coupons", "reports", "exports",
];

/**
 * The routes before the measured ones, `size - 2` of them: a few beside `/user/:name` (a literal
 * at its depth, routes below it), then per API version and resource a collection (GET, POST), an
 * item (GET, PUT, DELETE), its usage, the resource under a project and a literal stats path:
 * static and parameterised segments, four methods, long shared prefixes.
 */
export function fillerRoutes(size: number): TableRoute[] {
  const routes: TableRoute[] = [];
  const add = (method: TableRoute["method"], path: string) => {
    if (routes.length < size - 2) routes.push({ method, path });
  };
  add("GET", "/users");
  add("GET", "/user/me");
  add("GET", "/user/search");
  add("GET", "/user/:name/posts");
  add("POST", "/user/:name/posts");
  add("GET", "/user/:name/followers");
  add("DELETE", "/user/:name/sessions/:id");
  for (let version = 1; routes.length < size - 2; version++) {
    for (const resource of resources) {
      const base = `/v${version}/orgs/:org/${resource}`;
      add("GET", base);
      add("POST", base);
      add("GET", `${base}/:id`);
      add("PUT", `${base}/:id`);
      add("DELETE", `${base}/:id`);
      add("GET", `${base}/:id/usage`);
      add("GET", `/v${version}/orgs/:org/projects/:id/${resource}`);
      add("GET", `/v${version}/${resource}/stats`);
    }
  }
  return routes;
}
