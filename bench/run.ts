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
const wanted = (part: string) => !only || only.has(part);

const nodeSettings: NodeSettings = quick
  ? { rounds: 1, warmSeconds: 1, seconds: 2, connections: 10 }
  : { rounds: 3, warmSeconds: 2, seconds: 5, connections: 10 };
const lambdaSettings: LambdaSettings = quick
  ? { rounds: 1, warmEvents: 2_000, milliseconds: 300, coldSpawns: 5 }
  : { rounds: 3, warmEvents: 10_000, milliseconds: 1_000, coldSpawns: 41 };

const bodySettings: BodySettings = quick
  ? { rounds: 1, warmSeconds: 1, seconds: 2, connections: 10, inFlight: 64 }
  : { rounds: 2, warmSeconds: 2, seconds: 5, connections: 10, inFlight: 64 };
const steadySettings: SteadySettings = quick ? { first: 10_000, connections: 10 } : { first: 100_000, connections: 10 };

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

if (wanted("node")) {
  run.loads.push(`node ${load()}`);
  run.node = { settings: nodeSettings, results: await runNode(nodeSettings, say) };
}
if (wanted("node-postgres")) {
  run.loads.push(`node+postgres ${load()}`);
  const results = await runNodePostgres(nodeSettings, say);
  if (results) run.nodePostgres = { settings: nodeSettings, results };
}
if (wanted("bodies")) {
  run.loads.push(`bodies ${load()}`);
  run.bodies = { settings: bodySettings, results: await runBodies(bodySettings, say) };
}
if (wanted("steady")) {
  run.loads.push(`steady ${load()}`);
  run.steady = await runSteady(steadySettings, say);
}
if (wanted("lambda")) {
  run.loads.push(`lambda ${load()}`);
  run.lambda = { settings: lambdaSettings, results: await runLambda(lambdaSettings, say) };
}
if (wanted("routes")) {
  run.loads.push(`routes ${load()}`);
  run.routes = { node: nodeSettings, lambda: lambdaSettings, results: await runRoutes(nodeSettings, lambdaSettings, say) };
}
if (wanted("workers")) {
  run.loads.push(`workers ${load()}`);
  run.workers = await runWorkers(say);
}
run.minutes = (Date.now() - started) / 60_000;

const target = quick || only ? `${out}RESULTS-${quick ? "quick" : "partial"}.md` : `${root}bench/RESULTS.md`;
writeFileSync(target, resultsMarkdown(run));
say(`wrote ${target.slice(root.length)} in ${run.minutes.toFixed(1)} min`);
