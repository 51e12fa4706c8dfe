// Lambda: throughput in process, and cold starts as whole processes, per contestant.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { gzipSync } from "node:zlib";
import { bundleLambda, bundleProgram, out } from "../build.js";
import { nodeOn, runJson } from "../processes.js";
import { root } from "../root.js";
import { median, rotate } from "../stats.js";
import { eventOf } from "./events.js";
import type { Throughput, ThroughputSpec } from "./throughput.js";

export const lambdaPeers = ["jobwrap-bare", "jobwrap-two-routes", "handwritten", "hono", "serverless-http", "codegenie"] as const;
export type LambdaPeer = (typeof lambdaPeers)[number];

/** jobwrap's contestant exists once the Lambda adapter has landed. */
export function jobwrapLambdaReady(): boolean {
  return existsSync(`${root}src/adapters/lambda/index.ts`) && existsSync(`${root}bench/lambda/handlers/jobwrap.ts`);
}

export interface LambdaSettings {
  rounds: number;
  warmEvents: number;
  milliseconds: number;
  coldSpawns: number;
}

export interface LambdaContestantResults {
  /** Median events/s by event kind and method (`v2 POST` … `url GET`). */
  throughput: Throughput;
  bundleBytes: number;
  bundleGzipBytes: number;
  /** Median wall time of a process that imports the bundle and answers one event. */
  coldMs: number;
}

export interface LambdaResults {
  contestants: Record<string, LambdaContestantResults>;
  /** Median wall time of `node -e 0`. */
  baselineMs: number;
  /** jobwrap's cold start bundled without its tracing hook (no attempt to load `@opentelemetry/api`). */
  withoutTracingHook?: { coldMs: number; bundleBytes: number } | undefined;
  missing: string[];
}

const core = 1;

/** Milliseconds from spawn to exit of one pinned node process; it must exit 0. */
function timeProcess(args: string[]): number {
  const [command, argv] = nodeOn(core, args);
  const started = performance.now();
  const run = spawnSync(command, argv, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NODE_ENV: "production" } });
  const elapsed = performance.now() - started;
  if (run.status !== 0) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr.toString().slice(-2000)}`);
  return elapsed;
}

export async function runLambda(settings: LambdaSettings, say: (line: string) => void, peers: readonly LambdaPeer[] = lambdaPeers): Promise<LambdaResults> {
  const contestants: string[] = [...peers];
  const missing: string[] = [];
  if (jobwrapLambdaReady()) contestants.unshift("jobwrap");
  else missing.push("jobwrap/lambda (src/adapters/lambda/index.ts has not landed)");

  const bundles: Record<string, string> = {};
  for (const name of contestants) bundles[name] = await bundleLambda(`bench/lambda/handlers/${name}.ts`, name);
  // Cold starts only: what trying to load the optional `@opentelemetry/api` costs where it is absent.
  const untraced = "jobwrap without the tracing hook";
  if (bundles.jobwrap) {
    bundles[untraced] = await bundleLambda("bench/lambda/handlers/jobwrap.ts", "jobwrap-untraced", {
      "src/adapters/otel.ts": "bench/lambda/stand-ins/no-tracing.ts",
    });
  }
  const driver = await bundleProgram("bench/lambda/throughput.ts", "lambda-throughput");
  const cold = await bundleProgram("bench/lambda/cold.ts", "lambda-cold");

  const samples: Record<string, Throughput[]> = Object.fromEntries(contestants.map((name) => [name, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (const name of rotate(contestants, round)) {
      const spec: ThroughputSpec = { bundle: bundles[name]!, contestant: name, warmEvents: settings.warmEvents, milliseconds: settings.milliseconds };
      const result = await runJson<Throughput>(core, [driver, JSON.stringify(spec)]);
      samples[name]!.push(result);
      say(`lambda round ${round + 1} ${name}: ${Object.entries(result).map(([k, v]) => `${k} ${Math.round(v)}/s`).join(", ")}`);
    }
  }

  const eventFile = `${out}lambda/event-v2-post.json`;
  mkdirSync(dirname(eventFile), { recursive: true });
  writeFileSync(eventFile, JSON.stringify(eventOf("v2", "POST", "/user", '{"name":"alice"}')));
  const coldContestants = bundles[untraced] ? [...contestants, untraced] : contestants;
  const coldTimes: Record<string, number[]> = Object.fromEntries(coldContestants.map((name) => [name, []]));
  const baseline: number[] = [];
  for (let i = 0; i < settings.coldSpawns; i++) {
    baseline.push(timeProcess(["-e", "0"]));
    for (const name of rotate(coldContestants, i)) coldTimes[name]!.push(timeProcess([cold, bundles[name]!, eventFile]));
  }
  say(`lambda cold starts: ${settings.coldSpawns} spawns each`);

  const results: Record<string, LambdaContestantResults> = {};
  for (const name of contestants) {
    const bytes = readFileSync(bundles[name]!);
    const throughput: Throughput = {};
    for (const key of Object.keys(samples[name]![0]!)) throughput[key] = median(samples[name]!.map((s) => s[key]!));
    results[name] = {
      throughput,
      bundleBytes: bytes.length,
      bundleGzipBytes: gzipSync(bytes, { level: 9 }).length,
      coldMs: median(coldTimes[name]!),
    };
  }
  const withoutTracingHook = bundles[untraced] ? { coldMs: median(coldTimes[untraced]!), bundleBytes: readFileSync(bundles[untraced]!).length } : undefined;
  return { contestants: results, baselineMs: median(baseline), withoutTracingHook, missing };
}
