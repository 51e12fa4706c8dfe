/**
 * `jobwrap build lambda`: the handler bundled by esbuild into one ESM file, `index.mjs`, and
 * the deployment zip holding it, laid out as Lambda runs it (`index.handler`). Deploy-time code:
 * esbuild and fflate are loaded only when a build runs.
 */
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

interface BuildLambdaOptions {
  /** The module exporting `handler` (TypeScript or JavaScript). */
  entry: string;
  /** Where `index.mjs` and `function.zip` go. Default `.jobwrap/lambda`. */
  outDir?: string;
}

interface BuiltLambda {
  /** The bundle, `<outDir>/index.mjs`. */
  bundle: string;
  /** The deployment package, `<outDir>/function.zip`. */
  zip: string;
  /** The function's handler setting. */
  handler: "index.handler";
}

export const defaultOutDir = ".jobwrap/lambda";

// The settings below are function declarations, not module constants (nor arrow functions held
// in them), so that what a test runs is what the mutation run measures (issue 19).

/** Lambda's Node runtimes ship the AWS SDK v3; bundling it would only add weight. */
function external(): string[] {
  return ["@aws-sdk/*"];
}

/** An ESM bundle may still hold CommonJS that calls `require` for Node's own modules. */
function banner(): string {
  return 'import{createRequire as __jobwrapRequire}from"node:module";const require=__jobwrapRequire(import.meta.url);';
}

/** A fixed time in every zip entry, so the same code gives the same zip and the same CodeSha256. */
const fixedTime = new Date(2000, 0, 1, 0, 0, 0);

export class BuildError extends Error {}

/** jobwrap's deploy-time folders, from its own root whatever runs this file: `src/deploy/lambda` or `dist/deploy/lambda`. */
function deployTimeCode(): string[] {
  const ownRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  return ["src/deploy", "src/cli", "dist/deploy", "dist/cli"].map((dir) => join(ownRoot, dir) + sep);
}

async function load<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch {
    throw new BuildError(`needs the package ${name}: npm install --save-dev ${name}`);
  }
}

export async function buildLambda(options: BuildLambdaOptions): Promise<BuiltLambda> {
  const entry = resolve(options.entry);
  const outDir = resolve(options.outDir ?? defaultOutDir);
  try {
    if (!(await stat(entry)).isFile()) throw new Error();
  } catch {
    throw new BuildError(`no handler module at ${options.entry}`);
  }
  const esbuild = await load<typeof import("esbuild")>("esbuild");
  const { zipSync } = await load<typeof import("fflate")>("fflate");

  const bundle = join(outDir, "index.mjs");
  const zip = join(outDir, "function.zip");
  await mkdir(outDir, { recursive: true });
  await rm(zip, { force: true });
  let result: import("esbuild").BuildResult<{ metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      outfile: bundle,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      minify: true,
      external: external(),
      banner: { js: banner() },
      legalComments: "none",
      metafile: true,
      logLevel: "silent",
    });
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    const lines = errors?.map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text));
    throw new BuildError(`esbuild could not bundle ${options.entry}${lines ? `:\n  ${lines.join("\n  ")}` : `: ${String(error)}`}`);
  }

  const cwd = process.cwd();
  const deployTime = deployTimeCode();
  const leaked = Object.keys(result.metafile.inputs)
    .map((input) => resolve(cwd, input))
    .filter((input) => deployTime.some((dir) => input.startsWith(dir)));
  if (leaked.length > 0) {
    throw new BuildError(
      `the handler pulls deploy-time code into the bundle: ${leaked.map((file) => relative(cwd, file)).join(", ")}`,
    );
  }

  const code = await readFile(bundle);
  const zipped = zipSync(
    // Unix mode 0644 on a regular file: the runtime's user must be able to read it.
    { "index.mjs": [code, { mtime: fixedTime, os: 3, attrs: (0o100644 << 16) >>> 0 }] },
    { level: 9 },
  );
  await writeFile(zip, zipped);
  return { bundle, zip, handler: "index.handler" };
}
