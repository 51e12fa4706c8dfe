/**
 * The one esbuild command that turns the server's entry into a single file: run by the
 * Dockerfile's build stage, and by the rolling-update test to start servers as the image would.
 * A bundle holds exactly the code the entry reaches, so the runtime image needs no node_modules:
 * no dev dependencies, no npm, a smaller attack surface and a faster pull.
 */
export function bundleFile(): string {
  // Functions, not module constants: what a test runs is what Stryker measures (issue 19).
  return "server.mjs";
}

export function bundleArgs(entry: string, outdir: string): string[] {
  return [
    entry,
    "--bundle",
    "--platform=node",
    "--target=node22",
    "--format=esm",
    "--sourcemap",
    `--outfile=${outdir}/${bundleFile()}`,
    // CommonJS dependencies bundled into ESM still call `require` for Node's built-ins. The import
    // is renamed: esbuild cannot see into the banner, and bundled code may import createRequire too.
    '--banner:js=import { createRequire as __jobwrapRequire } from "node:module"; const require = __jobwrapRequire(import.meta.url);',
  ];
}

/** How the container starts the server: node itself as PID 1, so SIGTERM reaches the drain. */
export function serverCommand(): string[] {
  return ["node", "--enable-source-maps", bundleFile()];
}
