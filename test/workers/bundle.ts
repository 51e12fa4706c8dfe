import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A worker bundled as wrangler bundles (esbuild, workerd conditions), paths from tsconfig. */
export async function bundle(entry: string, minify = false): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    minify,
  });
  return result.outputFiles[0]!.text;
}
