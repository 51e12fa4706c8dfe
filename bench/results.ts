// bench/RESULTS.md from one run's numbers.
import { bodySizes, type BodyResults, type BodySettings } from "./bodies/part.js";
import type { LambdaResults } from "./lambda/part.js";
import type { Machine } from "./machine.js";
import type { NodeResults, NodeSettings, RouteStats } from "./node/part.js";
import type { PostgresResults } from "./node/postgres-part.js";
import type { RoutesResults } from "./routes/part.js";
import { fmt, ratio } from "./stats.js";
import type { SteadyResults } from "./steady/part.js";
import type { WorkersResults } from "./workers/part.js";
import type { LambdaSettings } from "./lambda/part.js";

export interface Run {
  machine: Machine;
  quick: boolean;
  pinned: boolean;
  loads: string[];
  minutes: number;
  node?: { settings: NodeSettings; results: NodeResults };
  nodePostgres?: { settings: NodeSettings; results: PostgresResults };
  bodies?: { settings: BodySettings; results: BodyResults };
  steady?: SteadyResults;
  lambda?: { settings: LambdaSettings; results: LambdaResults };
  routes?: { node: NodeSettings; lambda: LambdaSettings; results: RoutesResults };
  workers?: WorkersResults;
  findings: string;
}

type Row = (string | number)[];

function table(head: string[], rows: Row[]): string {
  const line = (cells: Row) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map((_, i) => (i === 0 ? "---" : "---:"))), ...rows.map(line)].join("\n");
}

interface Target {
  measure: string;
  target: string;
  value: number;
  /** Met when `value` is at least (`min`) or at most (`max`) the bound. */
  bound: { min: number } | { max: number };
}

const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "n/a");

function targets(run: Run): Target[] {
  const list: Target[] = [];
  const { jobwrap, fastify, handwritten, "jobwrap-bare": bare } = run.node?.results ?? {};
  if (jobwrap && fastify && handwritten && bare) {
    for (const method of ["post", "get"] as const) {
      const name = method.toUpperCase();
      list.push({ measure: `Node ${name} req/s, jobwrap ÷ Fastify`, target: "≥ 1.0×", value: jobwrap[method].rps / fastify[method].rps, bound: { min: 1 } });
      list.push({
        measure: `Node ${name} req/s, jobwrap ÷ hand-written node:http`,
        target: "≥ 0.9×",
        value: jobwrap[method].rps / handwritten[method].rps,
        bound: { min: 0.9 },
      });
      list.push({
        measure: `Node ${name} p99, jobwrap ÷ Fastify`,
        target: "≤ 1.0×",
        value: jobwrap[method].p99 / fastify[method].p99,
        bound: { max: 1 },
      });
    }
    list.push({
      measure: "Node POST req/s, jobwrap with CORS and compression configured, not triggered ÷ without them",
      target: "≥ 0.95×",
      value: jobwrap.post.rps / bare.post.rps,
      bound: { min: 0.95 },
    });
  }
  const bodies = run.bodies?.results.contestants;
  if (bodies) {
    for (const size of ["small", "big"] as const) {
      list.push({
        measure: `Node POST of a ${bodySizes[size] / 1024} KiB JSON body, MB/s, jobwrap ÷ hand-written (JSON.parse + the same schema)`,
        target: "≥ 0.9×",
        value: bodies.jobwrap![size].mbps / bodies.handwritten![size].mbps,
        bound: { min: 0.9 },
      });
    }
    list.push({
      measure: `Node peak RSS with ${run.bodies!.settings.inFlight} uploads of 900 KiB in flight, jobwrap ÷ Fastify`,
      target: "≤ 1.0×",
      value: bodies.jobwrap!.peakMiB / bodies.fastify!.peakMiB,
      bound: { max: 1 },
    });
  }
  if (run.steady) {
    list.push({
      measure: `Node RSS after ${run.steady.last.toLocaleString("en")} requests ÷ after ${run.steady.first.toLocaleString("en")}`,
      target: "≤ 1.1×",
      value: run.steady.lastMiB / run.steady.firstMiB,
      bound: { max: 1.1 },
    });
  }
  const lambda = run.lambda?.results;
  if (lambda) {
    const jobwrap = lambda.contestants.jobwrap;
    const { hono, handwritten } = lambda.contestants;
    const bare = lambda.contestants["jobwrap-bare"];
    /** The lowest ratio over every event kind and method, named by it. */
    const worst = (peer: LambdaResults["contestants"][string] | undefined) => {
      if (!jobwrap || !peer) return { value: Number.NaN, key: "" };
      const ratios = Object.keys(peer.throughput).map((key) => ({ key, value: jobwrap.throughput[key]! / peer.throughput[key]! }));
      return ratios.reduce((low, next) => (next.value < low.value ? next : low));
    };
    const rows: [string, LambdaResults["contestants"][string] | undefined, number][] = [
      ["hono/aws-lambda", hono, 10],
      ["the hand-written handler", handwritten, 0.3],
      ["jobwrap without CORS configured (not triggered)", bare, 0.95],
    ];
    for (const [peer, results, min] of rows) {
      const low = worst(results);
      list.push({ measure: `Lambda events/s, jobwrap ÷ ${peer}, lowest of the 4 event kinds × GET/POST (${low.key})`, target: `≥ ${min}×`, value: low.value, bound: { min } });
    }
    const untraced = lambda.withoutTracingHook;
    list.push({
      measure: "Lambda cold start above `node -e 0`, jobwrap ÷ jobwrap without the tracing hook (`@opentelemetry/api` absent)",
      target: "≤ 1.05×",
      value: jobwrap && untraced ? (jobwrap.coldMs - lambda.baselineMs) / (untraced.coldMs - lambda.baselineMs) : Number.NaN,
      bound: { max: 1.05 },
    });
    list.push({
      measure: "Lambda cold start above `node -e 0`, jobwrap ÷ the hand-written handler",
      target: "≤ 1.3×",
      value: jobwrap && handwritten ? (jobwrap.coldMs - lambda.baselineMs) / (handwritten.coldMs - lambda.baselineMs) : Number.NaN,
      bound: { max: 1.3 },
    });
    list.push({
      measure: "Lambda cold start above `node -e 0`, jobwrap ÷ Hono",
      target: "≤ 0.3×",
      value: jobwrap && hono ? (jobwrap.coldMs - lambda.baselineMs) / (hono.coldMs - lambda.baselineMs) : Number.NaN,
      bound: { max: 0.3 },
    });
  }
  const routes = run.routes?.results;
  if (routes) {
    const node = routes.node.jobwrap;
    for (const route of ["post", "get"] as const) {
      list.push({
        measure: `Node ${route.toUpperCase()} req/s, jobwrap with 500 routes ÷ with 2`,
        target: "≥ 0.9×",
        value: node ? node[500]![route].rps / node[2]![route].rps : Number.NaN,
        bound: { min: 0.9 },
      });
    }
    const lambda = routes.lambda.jobwrap;
    for (const key of kindsOrder) {
      list.push({
        measure: `Lambda ${key} events/s, jobwrap with 500 routes ÷ with 2`,
        target: "≥ 0.9×",
        value: lambda ? lambda[500]![key]! / lambda[2]![key]! : Number.NaN,
        bound: { min: 0.9 },
      });
    }
  }
  const workers = run.workers?.contestants;
  if (workers) {
    list.push({
      measure: "Worker bundle gzip, jobwrap ÷ Hono",
      target: "≤ 0.5×",
      value: workers.jobwrap ? workers.jobwrap.gzipBytes / workers.hono!.gzipBytes : Number.NaN,
      bound: { max: 0.5 },
    });
  }
  return list;
}

function verdict(t: Target): string {
  if (!Number.isFinite(t.value)) return "not measured";
  const met = "min" in t.bound ? t.value >= t.bound.min : t.value <= t.bound.max;
  return met ? "met" : "**missed**";
}

/** One row a contestant of a Node part, both routes, with jobwrap's ratio to it. */
function nodeTable(results: Partial<Record<string, { post: RouteStats; get: RouteStats }>>): string {
  const j = results.jobwrap!;
  const rows = Object.entries(results).flatMap(([name, r]) => (r ? [[name, r] as const] : [])).map(([name, r]) => [
    name,
    fmt(r.post.rps),
    fmt(r.post.p99, 2),
    fmt(r.post.cpuMicros),
    name === "jobwrap" ? "" : ratio(j.post.rps, r.post.rps),
    fmt(r.get.rps),
    fmt(r.get.p99, 2),
    fmt(r.get.cpuMicros),
    name === "jobwrap" ? "" : ratio(j.get.rps, r.get.rps),
  ]);
  return table(["contestant", "POST req/s", "POST p99 ms", "POST CPU µs", "jobwrap ÷ it", "GET req/s", "GET p99 ms", "GET CPU µs", "jobwrap ÷ it"], rows);
}

function nodeSection(run: NonNullable<Run["node"]>): string {
  const { settings, results } = run;
  return `## Node HTTP

${settings.rounds} round(s), contestants in a rotating order; in each, a fresh server process is checked, warmed with
${settings.warmSeconds} s of POSTs and GETs in turn, then loaded for ${settings.seconds} s per route by wrk (one thread, ${settings.connections} connections,
on the other core; \`bench/node/load.ts\`), which keeps the server's core busy. POST sends a new name each time (a taken name
answers 409); GET reads \`/user/alice\`. Medians over rounds. "p99 ms" is wrk's 99th percentile of response times (to the
microsecond), at that full load. "CPU µs" is the server process's CPU time per request (from /proc): it moves less than
req/s when other work shares the machine. jobwrap runs \`serve(api, { log: false })\`: its per-request access log is off
because no peer writes one. The users example has CORS and compression (on by default in \`serve\`) configured, and
the load triggers neither (no \`Origin\`, answers below the threshold); \`jobwrap-bare\` is the same routes with neither
configured, so jobwrap ÷ it is their cost when unused; \`jobwrap-triggered\` puts both to work on every request
(an allowed \`Origin\`, \`Accept-Encoding: gzip, br\` and a threshold of 0), so jobwrap ÷ it is their cost when used.

${nodeTable(results)}
`;
}

function nodePostgresSection(run: NonNullable<Run["nodePostgres"]>): string {
  const { settings, results } = run;
  return `## Node HTTP on PostgreSQL

The same users service with its users in a real PostgreSQL server on the same machine (started by the bench in
a temporary folder, durability off): every contestant calls the example's own store (\`examples/users/postgres.ts\`:
the \`postgres\` driver, a pool of 10, one INSERT per POST, one SELECT per GET). Each server starts on an empty
database and runs the migration itself. ${settings.rounds} round(s), warmed ${settings.warmSeconds} s, loaded ${settings.seconds} s per route,
${settings.connections} connections; medians. The database runs unpinned on the same machine, so the framework's part is the
difference between the rows, not the rows themselves.

${nodeTable(results)}
`;
}

function bodiesSection(run: NonNullable<Run["bodies"]>): string {
  const { settings, results } = run;
  const j = results.contestants.jobwrap!;
  const rows = Object.entries(results.contestants).map(([name, r]) => [
    name,
    `${fmt(r.small.mbps)}${name === "jobwrap" ? "" : ` (${ratio(j.small.mbps, r.small.mbps)})`}`,
    fmt(r.small.cpuMicros),
    `${fmt(r.big.mbps)}${name === "jobwrap" ? "" : ` (${ratio(j.big.mbps, r.big.mbps)})`}`,
    fmt(r.big.cpuMicros),
    fmt(r.idleMiB),
    `${fmt(r.peakMiB)}${name === "jobwrap" ? "" : ` (${ratio(j.peakMiB, r.peakMiB)})`}`,
    fmt(((r.peakMiB - r.idleMiB) * 1024) / settings.inFlight),
  ]);
  return `## Big bodies on the Node server

POST of an order (\`bench/bodies/order.ts\`: a customer and an array of line items, each an object with strings,
numbers, a string array and a nested object) of ${bodySizes.small / 1024} KiB and of ${bodySizes.big / 1024} KiB, the same document each time, validated
by the same valibot schema in every contestant and answered 201 with its line count and total. The hand-written server
reads the body whole, \`JSON.parse\`s it and runs the schema; Fastify uses its own JSON parser. ${settings.rounds} round(s), each a
fresh server checked (a valid order, and 400 for a quantity of 0), warmed ${settings.warmSeconds} s per size, loaded ${settings.seconds} s per size by autocannon
(${settings.connections} connections); then ${settings.inFlight} connections upload the 900 KiB order for ${settings.seconds} s and the server's peak resident memory
(VmHWM) is read. "Idle" is its resident memory just before that. MB/s is of request body; in brackets, jobwrap ÷ that contestant.

${table(["contestant", "100 KiB MB/s", "CPU µs/req", "900 KiB MB/s", "CPU µs/req", "RSS before, MiB", `peak RSS, ${settings.inFlight} in flight, MiB`, "KiB per upload in flight"], rows)}
`;
}

function steadySection(steady: SteadyResults): string {
  return `## Steady state

One jobwrap server (the users example, \`serve(api, { log: false })\`) answers ${steady.last.toLocaleString("en")} GETs in all, alternating a
user that exists (200) and one that does not (404, a problem document), 10 connections. Resident memory after
${steady.first.toLocaleString("en")}: ${fmt(steady.firstMiB)} MiB; after ${steady.middle.toLocaleString("en")}: ${fmt(steady.middleMiB)} MiB; after ${steady.last.toLocaleString("en")}: ${fmt(steady.lastMiB)} MiB
(${times(steady.lastMiB / steady.firstMiB)} the first reading, ${times(steady.lastMiB / steady.middleMiB)} the middle one). A growth per request would
show between the last two readings as between the first two; V8 growing its young generation under sustained load is
one step (bench/FINDINGS.md, "Steady state").
`;
}

const kindsOrder = ["v2 POST", "v2 GET", "v1 POST", "v1 GET", "alb POST", "alb GET", "url POST", "url GET"];

function lambdaSection(run: NonNullable<Run["lambda"]>): string {
  const { settings, results } = run;
  const j = results.contestants.jobwrap;
  const throughputRows = Object.entries(results.contestants).map(([name, r]) => [
    name,
    ...kindsOrder.map((key) => `${fmt(r.throughput[key]!)}${j && name !== "jobwrap" ? ` (${ratio(j.throughput[key]!, r.throughput[key]!)})` : ""}`),
  ]);
  const jAbove = j ? j.coldMs - results.baselineMs : Number.NaN;
  const two = results.contestants["jobwrap-two-routes"];
  const twoAbove = two ? two.coldMs - results.baselineMs : Number.NaN;
  const coldRows = Object.entries(results.contestants).map(([name, r]) => {
    const above = r.coldMs - results.baselineMs;
    const peer = name !== "jobwrap" && name !== "jobwrap-two-routes" && name !== "jobwrap-bare";
    return [
      name,
      fmt(r.bundleBytes / 1024, 1),
      fmt(r.bundleGzipBytes / 1024, 1),
      fmt(r.coldMs, 1),
      fmt(above, 1),
      j && name !== "jobwrap" ? times(jAbove / above) : "",
      two && peer ? times(twoAbove / above) : "",
    ];
  });
  return `## Lambda in process

\`await handler(event, context)\` in a loop, one fresh process per contestant and round (${settings.rounds} round(s)), each
checked first, then warmed with ${settings.warmEvents} events per route and timed for ${settings.milliseconds} ms per event kind and route. Events are
built from the real payloads in \`test/fixtures/lambda\` (\`apigw-v2-basic.json\`, \`apigw-v1-prod-stage-nulls.json\`,
\`alb-single-value.json\`, \`function-url-basic.json\`): API Gateway HTTP API (v2) and REST (v1), an ALB target, a Function URL.
jobwrap is \`wrap(api, { log: false })\` from \`jobwrap/lambda\`: the example's four routes, with CORS. The hand-written handler
and Hono serve its two user routes (POST /user, GET /user/:name) and no more, and so does \`jobwrap-two-routes\`
(\`bench/lambda/handlers/jobwrap-two-routes.ts\`: the example's own user jobs and stores), the row to compare like for like.
Medians of events/s; in brackets, jobwrap ÷ that contestant.

${table(["contestant", ...kindsOrder.map((k) => `${k} events/s`)], throughputRows)}

## Lambda cold start

Each handler bundled by esbuild into one minified ESM file with all its dependencies. A cold start is the wall time of
a whole \`node\` process that imports the bundle and answers one API Gateway v2 POST; median of ${settings.coldSpawns} spawns,
interleaved across contestants. \`node -e 0\` takes ${fmt(results.baselineMs, 1)} ms here.

${table(["contestant", "bundle KiB", "gzip KiB", "process ms", "above node -e 0, ms", "jobwrap ÷ it", "jobwrap-two-routes ÷ it"], coldRows)}
${untracedLine(results, jAbove)}`;
}

/** The cold start of jobwrap bundled without its tracing hook, beside jobwrap's. */
function untracedLine(results: NonNullable<Run["lambda"]>["results"], jAbove: number): string {
  const untraced = results.withoutTracingHook;
  if (!untraced) return "";
  const above = untraced.coldMs - results.baselineMs;
  return `
jobwrap bundled without its tracing hook (\`src/adapters/otel.ts\` replaced by \`bench/lambda/stand-ins/no-tracing.ts\`,
so nothing tries to load \`@opentelemetry/api\`, which a deployed bundle does not have): ${fmt(untraced.coldMs, 1)} ms,
${fmt(above, 1)} ms above \`node -e 0\`; jobwrap ÷ it ${times(jAbove / above)}.
`;
}

function routesSection(run: NonNullable<Run["routes"]>): string {
  const { node, lambda, results } = run;
  const pair = (a: number, b: number, digits = 0) => `${fmt(a, digits)} / ${fmt(b, digits)}`;
  const nodeRows = Object.entries(results.node).map(([name, r]) => [
    name,
    pair(r[2]!.post.rps, r[500]!.post.rps),
    pair(r[2]!.post.cpuMicros, r[500]!.post.cpuMicros),
    ratio(r[500]!.post.rps, r[2]!.post.rps),
    pair(r[2]!.get.rps, r[500]!.get.rps),
    pair(r[2]!.get.cpuMicros, r[500]!.get.cpuMicros),
    ratio(r[500]!.get.rps, r[2]!.get.rps),
  ]);
  const lambdaRows = Object.entries(results.lambda).map(([name, r]) => [
    name,
    ...kindsOrder.flatMap((key) => [pair(1e6 / r[2]![key]!, 1e6 / r[500]![key]!, 2), ratio(r[500]![key]!, r[2]![key]!)]),
  ]);
  return `## Many routes

The users service with its two routes last in a table of 2 and of 500 routes (\`bench/routes/table.ts\`: routes
beside \`/user/:name\` and below it, then per API version and resource a collection, an item, its usage, the resource
under a project and a literal stats path; GET, POST, PUT, DELETE). \`jobwrap-pattern\` is jobwrap with
\`src/core/routes.ts\` as it was, Hono's PatternRouter matching (\`bench/routes/pattern-routes.ts\`); Hono runs its
default SmartRouter, Fastify find-my-way. Node: ${node.rounds} round(s) per table size as in "Node HTTP" (warmed ${node.warmSeconds} s,
loaded ${node.seconds} s per route, ${node.connections} connections; medians). The CPU µs moves less than req/s on a busy machine.

${table(["contestant", "POST req/s 2 / 500", "POST CPU µs 2 / 500", "POST 500 ÷ 2", "GET req/s 2 / 500", "GET CPU µs 2 / 500", "GET 500 ÷ 2"], nodeRows)}

Lambda in process as in "Lambda in process" (${lambda.rounds} round(s), ${lambda.milliseconds} ms per event kind and route): µs per event (1 / events/s,
one process on one core) at 2 / 500 routes, and events/s 500 ÷ 2.

${table(["contestant", ...kindsOrder.flatMap((k) => [`${k} µs 2 / 500`, "500 ÷ 2"])], lambdaRows)}
`;
}

function workersSection(results: WorkersResults): string {
  const { jobwrap: j, "jobwrap-two-routes": two } = results.contestants;
  const rows = Object.entries(results.contestants).map(([name, r]) => [
    name,
    fmt(r.bytes / 1024, 2),
    fmt(r.gzipBytes / 1024, 2),
    j && name !== "jobwrap" ? times(j.gzipBytes / r.gzipBytes) : "",
    two && name !== "jobwrap-two-routes" && name !== "jobwrap" ? times(two.gzipBytes / r.gzipBytes) : "",
  ]);
  const names = Object.keys(results.parts);
  const partNames = [...new Set(names.flatMap((name) => results.parts[name]!.map((p) => p.part)))];
  const partRows = partNames.map((part) => [part, ...names.map((name) => fmt((results.parts[name]!.find((p) => p.part === part)?.bytes ?? 0) / 1024, 2))]);
  return `## Workers bundle

\`wrangler deploy --dry-run --minify --outdir\`: jobwrap's is \`examples/workers\` as it is (four routes: the users and
their avatars, uploaded as forms behind a bearer token, with CORS); the peers (\`bench/peers/*-worker.ts\`) serve its
two user routes (POST /user, GET /user/:name) and no more, and so does \`jobwrap-two-routes\` (\`bench/workers/two-routes.ts\`:
the example's own user jobs and stores, nothing else), the row to compare like for like. Every bundle is checked in
workerd (Miniflare, KV bound) before it is measured. Sizes are of the script wrangler wrote, gzipped here at level 9.

${table(["contestant", "minified KiB", "gzip KiB", "jobwrap ÷ it (gzip)", "jobwrap-two-routes ÷ it (gzip)"], rows)}

What each KiB is: jobwrap's two bundles by part, minified KiB as esbuild (wrangler's bundler) attributes them
to their sources; gzip compresses the whole, not each part.

${table(["part", ...names.map((name) => `${name}, minified KiB`)], partRows)}
`;
}

export function resultsMarkdown(run: Run): string {
  const m = run.machine;
  const missing = [...(run.lambda?.results.missing ?? []), ...(run.workers?.missing ?? [])];
  const parts = [
    `# jobwrap benchmarks

Written by \`npm run bench${run.quick ? " -- --quick" : ""}\` (bench/run.ts) on ${m.date} in ${run.minutes.toFixed(1)} minutes. **${run.quick ? "A quick run: few, short samples, of the contestants some target divides by (node-postgres, express, Hono on Node, the other routers and Lambda wrappers only in a full run)." : "A full run."}**

- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}
- Node ${m.node}
- Each part, with the load average (1 min) at its start and how long it took: ${run.loads.join(", ")}
- ${run.pinned ? "Server (or handler process) pinned to core 1 and load generator to core 0 with `taskset`." : "**taskset is missing: nothing is pinned.**"}
- Every contestant answers the same checks (201 and its body, 409, 200 and its body, 404, three 400s) before it is timed.
- The machine is shared: a high load average means other processes competed for both cores during that part.
`,
    missing.length ? `**Not measured, because it does not exist yet:** ${missing.join("; ")}.\n` : "",
    `## Targets

${table(["measure", "target", "this run", "verdict"], targets(run).map((t) => [t.measure, t.target, times(t.value), verdict(t)]))}
`,
    run.node ? nodeSection(run.node) : "",
    run.nodePostgres ? nodePostgresSection(run.nodePostgres) : "",
    run.bodies ? bodiesSection(run.bodies) : "",
    run.steady ? steadySection(run.steady) : "",
    run.lambda ? lambdaSection(run.lambda) : "",
    run.routes ? routesSection(run.routes) : "",
    run.workers ? workersSection(run.workers) : "",
    run.findings,
  ];
  return parts.filter(Boolean).join("\n");
}
