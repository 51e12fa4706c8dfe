import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // The examples import jobwrap by its package names; in this repository those are the sources.
    alias: [
      { find: /^jobwrap$/, replacement: src("index.ts") },
      { find: /^jobwrap\/node$/, replacement: src("adapters/node.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    sequence: { concurrent: false },
  },
});
