// Node HTTP: each server on one core, wrk (bench/node/load.ts) on the other, rounds alternating.
import { bundleProgram } from "../build.js";
import { checkService, overHttp } from "../check.js";
import { canPin, runJson, startServer } from "../processes.js";
import { median, rotate } from "../stats.js";
import type { LoadResult, LoadSpec } from "./load.js";

export const nodeContestants = ["jobwrap", "jobwrap-bare", "jobwrap-triggered", "handwritten", "hono", "fastify", "express"] as const;

/** What each request of a contestant's load carries beyond the route's own: CORS and compression at work. */
const loadHeaders: Partial<Record<NodeContestant, Record<string, string>>> = {
  "jobwrap-triggered": { origin: "https://web.bench.test", "accept-encoding": "gzip, br" },
};
export type NodeContestant = (typeof nodeContestants)[number];

export interface NodeSettings {
  rounds: number;
  /** Of POSTs and GETs in turn before anything is timed; whole seconds (wrk's unit), as `seconds`. */
  warmSeconds: number;
  seconds: number;
  connections: number;
}

export interface RouteStats {
  rps: number;
  p99: number;
  /** Server CPU time per request: less sensitive than req/s to other work on the machine. */
  cpuMicros: number;
}

interface Sample extends LoadResult {
  cpuMicros: number;
}

/** By contestant: every one in a full run, those some target divides by in a quick one. */
export type NodeResults = Partial<Record<NodeContestant, { post: RouteStats; get: RouteStats }>>;

const serverCore = 1;
const loadCore = 0;

async function load(loader: string, spec: LoadSpec): Promise<LoadResult> {
  const result = await runJson<LoadResult>(loadCore, [loader, JSON.stringify(spec)]);
  if (result.non2xx > 0 || result.errors > 0 || result.requests === 0) {
    throw new Error(`load on ${spec.url} ${spec.route}: ${result.non2xx} non-2xx, ${result.errors} errors of ${result.requests}`);
  }
  return result;
}

export async function runNode(settings: NodeSettings, say: (line: string) => void, names: readonly NodeContestant[] = nodeContestants): Promise<NodeResults> {
  const programs = await Promise.all(names.map(async (name) => ({ name, program: await bundleProgram(`bench/node/servers/${name}.ts`, `node-${name}`) })));
  return (await measureServers(programs, settings, say, "node")) as NodeResults;
}

/**
 * Each server program loaded in turn, in a rotating order, checked, warmed and measured on both
 * routes. `env` is given to every server; `beforeEach` runs before each server starts (a clean table).
 */
export async function measureServers(
  programs: { name: string; program: string }[],
  settings: NodeSettings,
  say: (line: string) => void,
  label: string,
  env: Record<string, string> = {},
  beforeEach: () => Promise<void> = async () => {},
): Promise<Record<string, { post: RouteStats; get: RouteStats }>> {
  const loader = await bundleProgram("bench/node/load.ts", "load");
  if (!canPin) say("taskset is missing: server and load generator are NOT pinned to separate cores");

  const samples = Object.fromEntries(programs.map(({ name }) => [name, { post: [] as Sample[], get: [] as Sample[] }]));
  // BENCH_PORT moves the servers off ports another run on the machine holds.
  let port = Number(process.env.BENCH_PORT ?? 30_100);
  for (let round = 0; round < settings.rounds; round++) {
    for (const { name, program } of rotate(programs, round)) {
      await beforeEach();
      const server = await startServer(serverCore, program, port++, env);
      try {
        await checkService(`${label} ${name}`, overHttp(server.url));
        const base = { url: server.url, connections: settings.connections, headers: loadHeaders[name as NodeContestant] };
        // Warm the JIT on both routes before anything is timed.
        await load(loader, { ...base, route: "both", seconds: settings.warmSeconds, prefix: "w" });
        const measure = async (spec: LoadSpec): Promise<Sample> => {
          const before = server.cpuSeconds();
          const result = await load(loader, spec);
          return { ...result, cpuMicros: ((server.cpuSeconds() - before) * 1e6) / result.requests };
        };
        const post = await measure({ ...base, route: "post", seconds: settings.seconds, prefix: "m" });
        const get = await measure({ ...base, route: "get", seconds: settings.seconds, prefix: "m" });
        samples[name]!.post.push(post);
        samples[name]!.get.push(get);
        say(
          `${label} round ${round + 1} ${name}: POST ${Math.round(post.rps)} req/s ${post.cpuMicros.toFixed(0)} µs CPU/req, ` +
            `GET ${Math.round(get.rps)} req/s ${get.cpuMicros.toFixed(0)} µs CPU/req`,
        );
      } finally {
        await server.stop();
      }
    }
  }
  const summarise = (runs: Sample[]): RouteStats => ({
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    cpuMicros: median(runs.map((r) => r.cpuMicros)),
  });
  return Object.fromEntries(programs.map(({ name }) => [name, { post: summarise(samples[name]!.post), get: summarise(samples[name]!.get) }]));
}
