/**
 * `jobwrap build lambda` with no `--out`: the build goes to `.jobwrap/lambda` under the working
 * directory. Apart from build.test.ts because it calls `process.chdir`, which vitest's worker
 * threads (and so the mutation runs, vitest.mutate.config.ts) do not allow.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { buildLambda } from "../../src/deploy/lambda/build.js";

it("defaults to .jobwrap/lambda", async () => {
  const cwd = process.cwd();
  const here = mkdtempSync(join(tmpdir(), "jobwrap-build-cwd-"));
  try {
    process.chdir(here);
    const built = await buildLambda({ entry: join(cwd, "examples/lambda/handler.ts") });
    expect(built.bundle).toBe(join(here, ".jobwrap/lambda/index.mjs"));
    expect(built.zip).toBe(join(here, ".jobwrap/lambda/function.zip"));
  } finally {
    process.chdir(cwd);
    rmSync(here, { recursive: true, force: true });
  }
});
