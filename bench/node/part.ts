// Node HTTP: each server on one core, autocannon on the other, rounds alternating.
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

export type NodeResults = Record<NodeContestant, { post: RouteStats; get: RouteStats }>;

const serverCore = 1;
const loadCore = 0;

async function load(loader: string, spec: LoadSpec): Promise<LoadResult> {
  const result = await runJson<LoadResult>(loadCore, [loader, JSON.stringify(spec)]);
  if (result.non2xx > 0 || result.errors > 0 || result.requests === 0) {
    throw new Error(`load on ${spec.url} ${spec.route}: ${result.non2xx} non-2xx, ${result.errors} errors of ${result.requests}`);
  }
  return result;
}

export async function runNode(settings: NodeSettings, say: (line: string) => void): Promise<NodeResults> {
  const loader = await bundleProgram("bench/node/load.ts", "load");
  const programs = Object.fromEntries(
    await Promise.all(nodeContestants.map(async (name) => [name, await bundleProgram(`bench/node/servers/${name}.ts`, `node-${name}`)])),
  ) as Record<NodeContestant, string>;
  if (!canPin) say("taskset is missing: server and load generator are NOT pinned to separate cores");

  const samples = Object.fromEntries(nodeContestants.map((name) => [name, { post: [] as Sample[], get: [] as Sample[] }]));
  // BENCH_PORT moves the servers off ports another run on the machine holds.
  let port = Number(process.env.BENCH_PORT ?? 30_100);
  for (let round = 0; round < settings.rounds; round++) {
    for (const name of rotate(nodeContestants, round)) {
      const server = await startServer(serverCore, programs[name], port++);
      try {
        await checkService(`node ${name}`, overHttp(server.url));
        const base = { url: server.url, connections: settings.connections, headers: loadHeaders[name] };
        // Warm the JIT on both routes before anything is timed.
        await load(loader, { ...base, route: "post", seconds: settings.warmSeconds, prefix: "w" });
        await load(loader, { ...base, route: "get", seconds: settings.warmSeconds, prefix: "w" });
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
          `node round ${round + 1} ${name}: POST ${Math.round(post.rps)} req/s ${post.cpuMicros.toFixed(0)} µs CPU/req, ` +
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
  return Object.fromEntries(
    nodeContestants.map((name) => [name, { post: summarise(samples[name]!.post), get: summarise(samples[name]!.get) }]),
  ) as NodeResults;
}
