/**
 * `aws-lambda-ric`, the Node runtime client AWS ships, installed on demand into a cache
 * directory from test/lambda/ric (its own package.json and lock). It builds native code, so
 * it is kept out of the project's `npm ci`, which must pass on machines without the tools.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const project = fileURLToPath(new URL("./ric/", import.meta.url));

/** What the native build runs: the package's preinstall (autotools, cmake) and node-gyp. */
const tools: [command: string, apt: string][] = [
  ["autoreconf", "autoconf"],
  ["automake", "automake"],
  ["libtoolize", "libtool"],
  ["cmake", "cmake"],
  ["make", "make"],
  ["g++", "g++"],
  ["python3", "python3"],
];

export type Ric = { ok: true; dir: string; entry: string } | { ok: false; reason: string };

function cacheDir(): string {
  if (process.env.JOBWRAP_RIC_DIR) return process.env.JOBWRAP_RIC_DIR;
  const hash = createHash("sha256");
  for (const file of ["package.json", "package-lock.json"]) hash.update(readFileSync(join(project, file)));
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "jobwrap", `aws-lambda-ric-${hash.digest("hex").slice(0, 16)}`);
}

function built(dir: string): Ric | undefined {
  const pkg = join(dir, "node_modules", "aws-lambda-ric");
  if (existsSync(join(pkg, "dist", "rapid-client.node"))) return { ok: true, dir: pkg, entry: join(pkg, "dist", "index.mjs") };
  return undefined;
}

export function missingTools(): string[] {
  return tools.filter(([command]) => spawnSync("sh", ["-c", `command -v ${command}`]).status !== 0).map(([, apt]) => apt);
}

/** The runtime client, built once per lockfile; or why it cannot be had here. */
export async function ensureRic(log: (line: string) => void = () => {}): Promise<Ric> {
  const dir = cacheDir();
  const ready = built(dir);
  if (ready) return ready;
  const missing = missingTools();
  if (missing.length > 0) {
    return { ok: false, reason: `its native build needs ${missing.join(", ")} (apt-get install -y ${missing.join(" ")}; scripts/system-deps.sh does it)` };
  }
  const staging = `${dir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const file of ["package.json", "package-lock.json"]) copyFileSync(join(project, file), join(staging, file));
  log(`building aws-lambda-ric into ${dir} (a minute or two, once)`);
  const output: Buffer[] = [];
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: staging, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    child.on("error", () => resolve(null));
    child.on("close", resolve);
  });
  const text = Buffer.concat(output).toString();
  writeFileSync(join(staging, "install.log"), text);
  if (code !== 0 || !built(staging)) {
    return { ok: false, reason: `npm ci of aws-lambda-ric failed (exit ${code}); see ${join(staging, "install.log")}:\n${text.split("\n").slice(-15).join("\n")}` };
  }
  try {
    renameSync(staging, dir);
  } catch {
    // Another run got there first: use its build.
    rmSync(staging, { recursive: true, force: true });
  }
  return built(dir) ?? { ok: false, reason: `aws-lambda-ric built but ${dir} holds no rapid-client.node` };
}
