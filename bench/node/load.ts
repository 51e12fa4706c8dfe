// The load generator of the Node servers, run by its parent pinned to its own core: wrk (C, one
// thread) against one route of one server, printing its summary as one JSON line. wrk costs its
// core ~20 µs a request; autocannon, used before, cost 35–48 µs and ran at 86–96% of its core, so
// the load generator, paying more for a longer answer, was as much what the req/s measured as
// the server (bench/FINDINGS.md, "The load generator"). With wrk the server is the one saturated.
import { spawnSync } from "node:child_process";
import type { LoadResult } from "../load-result.js";
import { root } from "../root.js";

export type { LoadResult } from "../load-result.js";

export interface LoadSpec {
  url: string;
  /** `both`: POSTs and GETs in turn, to warm a server up. */
  route: "post" | "get" | "both";
  seconds: number;
  connections: number;
  /** Distinguishes the names this run posts from any posted before to the same server. */
  prefix: string;
  /** Sent with every request besides the route's own. */
  headers?: Record<string, string> | undefined;
}

/** What wrk.lua's `done` prints. */
interface WrkSummary {
  requests: number;
  micros: number;
  p99Micros: number;
  non2xx: number;
  errors: number;
}

function wrkLoad(spec: LoadSpec): LoadResult {
  if (!Number.isInteger(spec.seconds) || spec.seconds < 1) throw new Error(`wrk runs whole seconds, not ${spec.seconds}`);
  const args = ["-t1", `-c${spec.connections}`, `-d${spec.seconds}s`, "-s", `${root}bench/node/wrk.lua`];
  for (const [name, value] of Object.entries(spec.headers ?? {})) args.push("-H", `${name}: ${value}`);
  args.push(`${spec.url}${spec.route === "get" ? "/user/alice" : "/user"}`);
  const run = spawnSync("wrk", args, { encoding: "utf8", env: { ...process.env, WRK_ROUTE: spec.route, WRK_PREFIX: spec.prefix } });
  if (run.error) throw new Error(`wrk could not run (${run.error.message}): \`npm run bench\` installs it (scripts/test-setup.sh --bench)`);
  const line = run.stdout.trim().split("\n").pop() ?? "";
  if (run.status !== 0 || !line.startsWith("{")) throw new Error(`wrk exited ${run.status}: ${run.stdout}${run.stderr}`);
  const summary = JSON.parse(line) as WrkSummary;
  return {
    rps: summary.requests / (summary.micros / 1e6),
    p99: summary.p99Micros / 1000,
    requests: summary.requests,
    non2xx: summary.non2xx,
    errors: summary.errors,
  };
}

console.log(JSON.stringify(wrkLoad(JSON.parse(process.argv[2]!) as LoadSpec)));
