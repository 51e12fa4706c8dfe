import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { tmpdir } from "node:os";
import { build, type Plugin } from "esbuild";
import { root } from "./root.js";

export { root };
export const out = `${root}bench/.out/`;

/** `jobwrap` and `jobwrap/<x>` are this repository's sources, as tsconfig `paths` says. */
const jobwrapSources: Plugin = {
  name: "jobwrap-sources",
  setup(b) {
    b.onResolve({ filter: /^jobwrap(\/.*)?$/ }, ({ path }) => {
      if (path === "jobwrap") return { path: `${root}src/index.ts` };
      const sub = path.slice("jobwrap/".length);
      for (const file of [`src/adapters/${sub}.ts`, `src/adapters/${sub}/index.ts`, `src/${sub}.ts`]) {
        if (existsSync(root + file)) return { path: root + file };
      }
      return undefined;
    });
  },
};

/** A program the bench runs under plain `node`: our code bundled, npm packages left to node_modules. */
export async function bundleProgram(entry: string, name: string, replace: Record<string, string> = {}): Promise<string> {
  const outfile = `${out}${name}.mjs`;
  await build({
    entryPoints: [root + entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    plugins: [jobwrapSources, replaced(replace)],
    logLevel: "error",
  });
  return outfile;
}

/** Source files (paths from the repository's root) bundled as another file in their place. */
function replaced(files: Record<string, string>): Plugin {
  return {
    name: "replaced",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, ({ path }) => {
        const instead = files[path.slice(root.length)];
        return instead === undefined ? undefined : { contents: readFileSync(root + instead, "utf8"), loader: "ts", resolveDir: dirname(root + instead) };
      });
    },
  };
}

/**
 * Where the Lambda bundles go: outside the repository, as a deployed bundle sits alone in
 * /var/task, so that no package of this repository's node_modules (an optional peer such as
 * `@opentelemetry/api`, loaded when found) is found from it.
 */
const lambdaOut = `${tmpdir()}/jobwrap-bench-lambda/`;

/**
 * A Lambda handler as it would be deployed: one minified ESM file with every dependency in
 * it, alone in its folder. CommonJS dependencies (Express) need `require`, which ESM lacks: the
 * banner gives it, as AWS CDK's NodejsFunction does.
 */
export async function bundleLambda(entry: string, name: string, replace: Record<string, string> = {}): Promise<string> {
  const outfile = `${lambdaOut}${name}.mjs`;
  await build({
    entryPoints: [root + entry],
    outfile,
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    plugins: [jobwrapSources, replaced(replace)],
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: "error",
  });
  return outfile;
}
