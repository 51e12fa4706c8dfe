// @ts-check
/**
 * Mutation testing: `npm run mutate`. Incremental: a rerun tests only the mutants whose code or
 * covering tests changed since the last run (.stryker-tmp/incremental.json, git-ignored).
 * Mutants that no test can kill because nothing observable changes (equivalent mutants) are
 * listed in stryker-equivalent.md, each with the line of code, the mutator and why; so are those
 * only the out-of-process tests reach (drain, workerd, aws-lambda-ric), with the test that covers them.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  // `related: false`: vitest's "related" filter follows static imports only, and a mutant run
  // keeps just the test files related to the mutated file. src/openapi/docs.ts is loaded by a
  // variable `import()` (docs-routes.ts), so no test file was related to it and every one of its
  // mutants ran no test and "survived". The tests each mutant runs still come from its coverage.
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: ["src/**/*.ts"],
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: ".stryker-tmp/incremental.json",
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 75, break: null },
};
