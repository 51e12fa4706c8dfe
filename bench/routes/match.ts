// The matchers alone, in process: CPU ns per match of jobwrap's router and of PatternRouter (bench/routes/pattern-routes.ts)
// at 2 and 500 routes. Not part of `npm run bench`: `npx tsx bench/routes/match.ts`. CPU time, so it moves little on a busy machine.
import { job } from "../../src/core/job.js";
import { matcher as own, routes } from "../../src/core/routes.js";
import { matcher as pattern } from "./pattern-routes.js";
import { fillerRoutes } from "./table.js";

const j = job({}, () => ({}));
for (const size of [2, 500]) {
  const table: Record<string, typeof j> = {};
  for (const { method, path } of fillerRoutes(size)) table[`${method} ${path}`] = j;
  table["POST /user"] = j;
  table["GET /user/:name"] = j;
  const app = routes(table);
  for (const [name, m] of [["jobwrap", own(app)], ["pattern", pattern(app as never)]] as const) {
    const cases: [string, string][] = [["POST", "/user"], ["GET", "/user/alice"], ["GET", "/v1/orgs/acme/projects/7/usage"]];
    for (const [method, path] of cases) {
      for (let i = 0; i < 20000; i++) m(method, path);
      const n = 200000;
      const t0 = process.cpuUsage();
      for (let i = 0; i < n; i++) m(method, path);
      const t = process.cpuUsage(t0);
      console.log(`${size} ${name} ${method} ${path}: ${(((t.user + t.system) * 1000) / n).toFixed(0)} ns CPU/match`);
    }
  }
}
