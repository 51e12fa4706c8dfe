import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** A worker bundled as wrangler bundles (esbuild, workerd conditions), paths from tsconfig, with esbuild's account of which source gave which bytes. */
export function bundleBuild(entry: string, minify = false) {
  return build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    metafile: true,
    minify,
  });
}

/** A worker bundled as wrangler bundles: the script. */
export async function bundle(entry: string, minify = false): Promise<string> {
  return (await bundleBuild(entry, minify)).outputFiles[0]!.text;
}
