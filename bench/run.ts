// `npm run bench` (`-- --quick` for a short run, `-- --only node,node-postgres,bodies,steady,lambda,routes,workers` for some parts).
// A full run writes bench/RESULTS.md; a quick one bench/.out/RESULTS-quick.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { runBodies, type BodySettings } from "./bodies/part.js";
import { out } from "./build.js";
import { runLambda, type LambdaSettings } from "./lambda/part.js";
import { load, machine } from "./machine.js";
import { runNode, type NodeSettings } from "./node/part.js";
import { runNodePostgres } from "./node/postgres-part.js";
import { canPin } from "./processes.js";
import { resultsMarkdown, type Run } from "./results.js";
import { root } from "./root.js";
import { runRoutes } from "./routes/part.js";
import { runSteady, type SteadySettings } from "./steady/part.js";
import { runWorkers } from "./workers/part.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1]?.split(",")) : undefined;
const wanted = (part: string) => (only ? only.has(part) : !(quick && part === "node-postgres"));

// A quick run (under 90 s on a quiet machine) prints the same targets from few, short samples of the
// contestants some target divides by; the others, and node-postgres (no target), are full-run only.
const nodeSettings: NodeSettings = quick
  ? { rounds: 1, warmSeconds: 1, seconds: 1, connections: 10 }
  : { rounds: 3, warmSeconds: 4, seconds: 5, connections: 10 };
const lambdaSettings: LambdaSettings = quick
  ? { rounds: 1, warmEvents: 1_000, milliseconds: 150, coldSpawns: 5 }
  : { rounds: 3, warmEvents: 10_000, milliseconds: 1_000, coldSpawns: 41 };

const bodySettings: BodySettings = quick
  ? { rounds: 1, warmSeconds: 0.5, seconds: 1, connections: 10, inFlight: 64 }
  : { rounds: 2, warmSeconds: 2, seconds: 5, connections: 10, inFlight: 64 };
const steadySettings: SteadySettings = quick ? { first: 5_000, connections: 10 } : { first: 100_000, connections: 10 };

const say = (line: string) => console.log(`[bench] ${line}`);
const started = Date.now();
mkdirSync(out, { recursive: true });

const findingsFile = `${root}bench/FINDINGS.md`;
const run: Run = {
  machine: machine(),
  quick,
  pinned: canPin,
  loads: [],
  minutes: 0,
  findings: existsSync(findingsFile) ? readFileSync(findingsFile, "utf8") : "",
};

/** Runs one part if wanted, noting the load average at its start and how long it took. */
async function part(name: string, measure: () => Promise<void>): Promise<void> {
  if (!wanted(name)) return;
  const at = Date.now();
  const loadAtStart = load();
  await measure();
  run.loads.push(`${name} ${loadAtStart} (${Math.round((Date.now() - at) / 1000)} s)`);
}

await part("node", async () => {
  const names = quick ? (["jobwrap", "jobwrap-bare", "handwritten", "fastify"] as const) : undefined;
  run.node = { settings: nodeSettings, results: await runNode(nodeSettings, say, names) };
});
await part("node-postgres", async () => {
  const results = await runNodePostgres(nodeSettings, say);
  if (results) run.nodePostgres = { settings: nodeSettings, results };
});
await part("bodies", async () => {
  run.bodies = { settings: bodySettings, results: await runBodies(bodySettings, say) };
});
await part("steady", async () => {
  run.steady = await runSteady(steadySettings, say);
});
await part("lambda", async () => {
  const peers = quick ? (["jobwrap-bare", "handwritten", "hono"] as const) : undefined;
  run.lambda = { settings: lambdaSettings, results: await runLambda(lambdaSettings, say, peers) };
});
await part("routes", async () => {
  run.routes = { node: nodeSettings, lambda: lambdaSettings, results: await runRoutes(nodeSettings, lambdaSettings, say, quick ? { node: ["jobwrap"], lambda: ["jobwrap"] } : undefined) };
});
await part("workers", async () => {
  run.workers = await runWorkers(say);
});
run.minutes = (Date.now() - started) / 60_000;

const target = quick || only ? `${out}RESULTS-${quick ? "quick" : "partial"}.md` : `${root}bench/RESULTS.md`;
writeFileSync(target, resultsMarkdown(run));
say(`wrote ${target.slice(root.length)} in ${run.minutes.toFixed(1)} min`);
