/**
 * Bundles an example's `server.ts` into `dist/server.js` beside it: one file with jobwrap,
 * valibot and the users jobs inside, so the folder deploys as is (Heroku, App Engine) with
 * no install step on the platform. Usage: tsx scripts/build-example.ts heroku
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export async function buildExample(name: string): Promise<string> {
  const outfile = `${root}examples/${name}/dist/server.js`;
  await build({
    entryPoints: [`${root}examples/${name}/server.ts`],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // The repository's tsconfig maps `jobwrap/*` to the sources, as a user's install would to dist.
    tsconfig: `${root}tsconfig.json`,
    sourcemap: "linked",
    logLevel: "warning",
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  if (names.length === 0) throw new Error("usage: tsx scripts/build-example.ts <example>…");
  for (const name of names) console.log(`built ${await buildExample(name)}`);
}
