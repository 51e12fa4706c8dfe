/**
 * `aws-lambda-ric`, the Node runtime client AWS ships, built once into a cache directory from
 * test/lambda/ric (its own package.json and lock) for test/lambda/ric.test.ts. It builds native
 * code (autotools, cmake, node-gyp), so it stays out of the project's `npm ci`: an optional
 * dependency would reach jobwrap's users. Run as a script (npm test's pretest does), it builds
 * with a progress line and its timing, or says the cached build is there.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const project = fileURLToPath(new URL("../test/lambda/ric/", import.meta.url));

function cacheDir(): string {
  if (process.env.JOBWRAP_RIC_DIR) return process.env.JOBWRAP_RIC_DIR;
  const hash = createHash("sha256");
  for (const file of ["package.json", "package-lock.json"]) hash.update(readFileSync(join(project, file)));
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "jobwrap", `aws-lambda-ric-${hash.digest("hex").slice(0, 16)}`);
}

function entryIn(dir: string): string | undefined {
  const pkg = join(dir, "node_modules", "aws-lambda-ric");
  return existsSync(join(pkg, "dist", "rapid-client.node")) ? join(pkg, "dist", "index.mjs") : undefined;
}

/** The runtime client's ES module entry where the build left it; or where it was looked for. */
export function builtRic(): { entry: string } | { missing: string } {
  const dir = cacheDir();
  const entry = entryIn(dir);
  return entry ? { entry } : { missing: dir };
}

/** Builds into a staging folder renamed into place, so an interrupted build is never taken for a whole one. */
async function build(dir: string): Promise<void> {
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const file of ["package.json", "package-lock.json"]) copyFileSync(join(project, file), join(staging, file));
  const output: Buffer[] = [];
  const started = Date.now();
  const ticker = setInterval(() => console.log(`aws-lambda-ric: still building (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: staging, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("error", () => resolve(null));
    child.on("close", resolve);
  }).finally(() => clearInterval(ticker));
  const log = join(staging, "install.log");
  writeFileSync(log, Buffer.concat(output));
  if (code !== 0 || !entryIn(staging)) {
    const tail = Buffer.concat(output).toString().split("\n").slice(-15).join("\n");
    throw new Error(`npm ci of aws-lambda-ric failed (exit ${code}); the whole log is ${log}:\n${tail}`);
  }
  try {
    renameSync(staging, dir);
  } catch {
    // Another run got there first: use its build.
    rmSync(staging, { recursive: true, force: true });
  }
  console.log(`aws-lambda-ric: built in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = cacheDir();
  if (entryIn(dir)) {
    console.log(`aws-lambda-ric: using the build cached in ${dir}`);
  } else {
    console.log(`aws-lambda-ric: building it once into ${dir} (native code: 3 to 7 minutes on 2 cores)`);
    mkdirSync(join(dir, ".."), { recursive: true });
    await build(dir);
  }
}
