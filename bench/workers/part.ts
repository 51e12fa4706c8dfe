// Workers: the bundle each contestant would upload, as `wrangler deploy --dry-run --minify`
// builds it, checked in workerd (Miniflare) before it is measured.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { Miniflare } from "miniflare";
import { out } from "../build.js";
import { checkService } from "../check.js";
import { root } from "../root.js";
import { bundleBuild } from "../../test/workers/bundle.js";

/**
 * jobwrap's Worker is the example itself (four routes, CORS, uploads, a bearer check); the peers
 * serve its two user routes (bench/peers), and so does `jobwrap-two-routes`, the example's own
 * user jobs alone (bench/workers/two-routes.ts): the like-for-like row.
 */
const jobwrapConfig = "examples/workers/wrangler.jsonc";
const twoRoutes = "bench/workers/two-routes.ts";
export const workerPeers = { handwritten: "bench/peers/plain-worker.ts", "itty-router": "bench/peers/itty-worker.ts", hono: "bench/peers/hono-worker.ts" };
const compatibilityDate = "2026-04-26";

export interface WorkerSize {
  bytes: number;
  gzipBytes: number;
}

/** Minified bytes of one part of a bundle (as esbuild attributes them), largest first. */
export interface BundlePart {
  part: string;
  bytes: number;
}

export interface WorkersResults {
  contestants: Record<string, WorkerSize>;
  /** What jobwrap's two bundles are made of. */
  parts: Record<string, BundlePart[]>;
  missing: string[];
}

/** Which part of jobwrap's Worker a bundled file is: core, the Workers adapter, a dependency, the example. */
function partOf(file: string): string {
  if (file.startsWith("src/core/")) return "jobwrap core (src/core)";
  if (file.startsWith("src/adapters/")) return "jobwrap Workers adapter";
  if (file.includes("node_modules/valibot/")) return "valibot (the schemas' validators)";
  if (file.includes("node_modules/@remix-run/")) return "multipart parser (@remix-run/multipart-parser, headers)";
  if (file.includes("node_modules/hono/")) return "cookie parser (hono/utils/cookie)";
  if (file.startsWith("examples/") || file.startsWith("bench/")) return "the example's jobs, schemas and stores";
  return file;
}

/** The minified bytes of an entry's bundle by part, as esbuild bundles it for workerd (wrangler's bundler is esbuild too). */
async function partsOf(entry: string): Promise<BundlePart[]> {
  const result = await bundleBuild(entry, true);
  const sums = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
      // A module that only re-exports (the package's entry) adds nothing.
      if (bytesInOutput > 0) sums.set(partOf(file), (sums.get(partOf(file)) ?? 0) + bytesInOutput);
    }
  }
  return [...sums].map(([part, bytes]) => ({ part, bytes })).sort((a, b) => b.bytes - a.bytes);
}

/** Runs wrangler's dry-run deploy and returns the one script it wrote. */
async function dryRun(name: string, args: string[]): Promise<string> {
  const dir = `${out}workers/${name}/`;
  rmSync(dir, { recursive: true, force: true });
  const wrangler = [`${root}node_modules/wrangler/bin/wrangler.js`, "deploy", "--dry-run", "--minify", "--outdir", dir, ...args];
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, wrangler, { cwd: root, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" }, maxBuffer: 2 ** 26 }, (error, stdout, stderr) =>
      error ? reject(new Error(`wrangler dry run of ${name} failed: ${stderr.slice(-2000)}${stdout.slice(-2000)}`)) : resolve(),
    );
  });
  const scripts = readdirSync(dir).filter((file) => file.endsWith(".js"));
  if (scripts.length !== 1) throw new Error(`wrangler wrote ${scripts.join(", ") || "no script"} for ${name}`);
  return dir + scripts[0];
}

async function checkWorker(name: string, script: string): Promise<void> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: script,
    compatibilityDate,
    kvNamespaces: ["USERS"],
    // The Workers' own log lines (jobwrap's access log) are not the bench's output.
    handleRuntimeStdio: (stdout, stderr) => {
      stdout.resume();
      stderr.resume();
    },
  });
  try {
    await checkService(`worker ${name}`, async (method, path, body) => {
      const res = await mf.dispatchFetch(`http://localhost${path}`, {
        method,
        body,
        headers: body === undefined ? {} : { "content-type": "application/json" },
      });
      return { status: res.status, body: await res.text() };
    });
  } finally {
    await mf.dispose();
  }
}

export async function runWorkers(say: (line: string) => void): Promise<WorkersResults> {
  const builds: [string, Promise<string>][] = [];
  const missing: string[] = [];
  const parts: Record<string, BundlePart[]> = {};
  if (existsSync(`${root}${jobwrapConfig}`) && existsSync(`${root}src/adapters/workers.ts`)) {
    builds.push(["jobwrap", dryRun("jobwrap", ["-c", jobwrapConfig])]);
    builds.push(["jobwrap-two-routes", dryRun("jobwrap-two-routes", ["--name", "bench-jobwrap-two-routes", "--compatibility-date", compatibilityDate, twoRoutes])]);
    parts["jobwrap"] = await partsOf("examples/workers/index.ts");
    parts["jobwrap-two-routes"] = await partsOf(twoRoutes);
  } else missing.push("jobwrap/workers (examples/workers has not landed)");
  for (const [name, entry] of Object.entries(workerPeers)) {
    builds.push([name, dryRun(name, ["--name", `bench-${name}`, "--compatibility-date", compatibilityDate, entry])]);
  }
  // Sizes only, nothing timed: the builds and the checks run at once.
  const scripts = Object.fromEntries(await Promise.all(builds.map(async ([name, script]) => [name, await script] as const)));
  await Promise.all(Object.entries(scripts).map(([name, script]) => checkWorker(name, script)));
  const contestants: Record<string, WorkerSize> = {};
  for (const [name, script] of Object.entries(scripts)) {
    const bytes = readFileSync(script);
    contestants[name] = { bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
    say(`worker ${name}: ${bytes.length} B, ${contestants[name]!.gzipBytes} B gzip`);
  }
  return { contestants, parts, missing };
}
