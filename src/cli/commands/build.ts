import { stat } from "node:fs/promises";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import type { Command, Io } from "../command.js";
import { BuildError, buildLambda, defaultOutDir } from "../../deploy/lambda/build.js";

/**
 * A function declaration, not a module constant: what a test runs is what it measures (issue 19);
 * an arrow function held in a constant is itself chosen once, at import.
 */
function usage(): string {
  return `usage: jobwrap build lambda <entry> [--out DIR]

  <entry>      the module exporting \`handler\` (e.g. wrap(api) from jobwrap/lambda)
  --out DIR    where index.mjs and function.zip go (default ${defaultOutDir})

Bundles the handler with esbuild into one ESM file (target node22, minified, @aws-sdk/* left
to the runtime) and writes the deployment zip; the function's handler is index.handler.`;
}

export const command: Command = {
  run: (args, io) => runBuild(args, io),
};

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

export async function runBuild(args: string[], io: Io): Promise<number> {
  const [platform, ...rest] = args;
  if (platform === "--help" || platform === "-h" || rest.includes("--help") || rest.includes("-h")) {
    io.out(usage());
    return 0;
  }
  if (platform !== "lambda") {
    io.err(platform === undefined ? usage() : `jobwrap build: unknown platform ${JSON.stringify(platform)} (known: lambda)\n\n${usage()}`);
    return 2;
  }
  let entry: string;
  let outDir: string;
  try {
    const { values, positionals } = parseArgs({ args: rest, options: { out: { type: "string" } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new Error(positionals.length === 0 ? "no entry given" : `one entry, not ${positionals.length}`);
    entry = positionals[0]!;
    outDir = values.out ?? defaultOutDir;
  } catch (error) {
    io.err(`jobwrap build lambda: ${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  try {
    const built = await buildLambda({ entry, outDir });
    const cwd = process.cwd();
    io.out(`bundle   ${relative(cwd, built.bundle)} (${size((await stat(built.bundle)).size)})`);
    io.out(`zip      ${relative(cwd, built.zip)} (${size((await stat(built.zip)).size)})`);
    io.out(`handler  ${built.handler}`);
    return 0;
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    io.err(`jobwrap build lambda: ${error.message}`);
    return 1;
  }
}
