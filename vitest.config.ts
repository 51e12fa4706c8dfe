import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The examples and tests import jobwrap by its package names (`jobwrap`, `jobwrap/node`);
 * in this repository those are the sources, as tsconfig's `paths` says for the type check.
 */
function jobwrapSources(): Plugin {
  return {
    name: "jobwrap-sources",
    enforce: "pre",
    resolveId(id) {
      if (id === "jobwrap") return `${root}src/index.ts`;
      const sub = /^jobwrap\/(.+)$/.exec(id)?.[1];
      if (!sub) return null;
      for (const file of [`src/adapters/${sub}.ts`, `src/adapters/${sub}/index.ts`, `src/${sub}.ts`, `src/${sub}/index.ts`]) {
        if (existsSync(root + file)) return root + file;
      }
      return null;
    },
  };
}

export default defineConfig({
  plugins: [jobwrapSources()],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
