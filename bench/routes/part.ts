// Many routes (issue 18): each contestant with a table of 2 routes and of 500 (bench/routes/table.ts),
// the measured routes last; on Node (serve) and on Lambda (in process, as bench/lambda measures).
import { bundleLambda, bundleProgram } from "../build.js";
import type { LambdaSettings } from "../lambda/part.js";
import type { Throughput, ThroughputSpec } from "../lambda/throughput.js";
import { measureServers, type NodeSettings, type RouteStats } from "../node/part.js";
import { runJson } from "../processes.js";
import { median, rotate } from "../stats.js";

export const routeSizes = [2, 500] as const;

/** `jobwrap-pattern`: jobwrap with src/core/routes.ts as it was, Hono's PatternRouter matching. */
const patternRouter = { "src/core/routes.ts": "bench/routes/pattern-routes.ts" };

export const routesNodeContestants = ["jobwrap", "jobwrap-pattern", "hono", "fastify"] as const;
export const routesLambdaContestants = ["jobwrap", "jobwrap-pattern", "hono"] as const;

export interface RoutesResults {
  /** By contestant, then by route count. */
  node: Record<string, Record<number, { post: RouteStats; get: RouteStats }>>;
  lambda: Record<string, Record<number, Throughput>>;
}

/** The contestants of each half; a quick run measures jobwrap alone (the targets compare its 500 with its 2). */
export interface RoutesContestants {
  node: readonly (typeof routesNodeContestants)[number][];
  lambda: readonly (typeof routesLambdaContestants)[number][];
}

export async function runRoutes(
  node: NodeSettings,
  lambda: LambdaSettings,
  say: (line: string) => void,
  names: RoutesContestants = { node: routesNodeContestants, lambda: routesLambdaContestants },
): Promise<RoutesResults> {
  const results: RoutesResults = { node: {}, lambda: {} };

  const programs = await Promise.all(
    names.node.map(async (name) => {
      const entry = `bench/routes/servers/${name === "jobwrap-pattern" ? "jobwrap" : name}.ts`;
      return { name, program: await bundleProgram(entry, `routes-node-${name}`, name === "jobwrap-pattern" ? patternRouter : {}) };
    }),
  );
  for (const name of names.node) results.node[name] = {};
  for (const size of routeSizes) {
    const measured = await measureServers(programs, node, say, `routes ${size}`, { BENCH_ROUTES: String(size) });
    for (const [name, stats] of Object.entries(measured)) results.node[name]![size] = stats;
  }

  const bundles: Record<string, string> = {};
  for (const name of names.lambda) {
    const entry = `bench/routes/handlers/${name === "jobwrap-pattern" ? "jobwrap" : name}.ts`;
    bundles[name] = await bundleLambda(entry, `routes-${name}`, name === "jobwrap-pattern" ? patternRouter : {});
  }
  const driver = await bundleProgram("bench/lambda/throughput.ts", "lambda-throughput");
  const runs = names.lambda.flatMap((name) => routeSizes.map((size) => ({ name, size })));
  const samples = new Map<string, Throughput[]>(runs.map(({ name, size }) => [`${name} ${size}`, []]));
  for (let round = 0; round < lambda.rounds; round++) {
    for (const { name, size } of rotate(runs, round)) {
      const spec: ThroughputSpec = { bundle: bundles[name]!, contestant: `${name} (${size} routes)`, warmEvents: lambda.warmEvents, milliseconds: lambda.milliseconds };
      const result = await runJson<Throughput>(1, [driver, JSON.stringify(spec)], { BENCH_ROUTES: String(size) });
      samples.get(`${name} ${size}`)!.push(result);
      say(`routes lambda round ${round + 1} ${name} ${size} routes: ${Object.entries(result).map(([k, v]) => `${k} ${Math.round(v)}/s`).join(", ")}`);
    }
  }
  for (const { name, size } of runs) {
    const all = samples.get(`${name} ${size}`)!;
    const throughput: Throughput = {};
    for (const key of Object.keys(all[0]!)) throughput[key] = median(all.map((s) => s[key]!));
    (results.lambda[name] ??= {})[size] = throughput;
  }
  return results;
}
