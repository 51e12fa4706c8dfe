// The CLI as npm installs it: run through a symlink (node_modules/.bin/jobwrap), help without
// loading any command's tools.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const entry = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

describe("jobwrap (the CLI)", () => {
  it("runs through a bin symlink and lists every command", async () => {
    const bin = join(mkdtempSync(join(tmpdir(), "jobwrap-bin-")), "jobwrap");
    symlinkSync(entry, bin);
    const { stdout } = await run(process.execPath, ["--import", "tsx", bin, "help"]);
    expect(stdout).toContain("usage: jobwrap <command>");
    for (const name of ["build", "deploy", "k8s", "openapi"]) expect(stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
  });

  it("tells a handler esbuild cannot bundle in its own lines on stderr, none of esbuild's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jobwrap-broken-"));
    const broken = join(dir, "broken.ts");
    writeFileSync(broken, 'import { nothing } from "./does-not-exist.js";\nexport const handler = nothing;\n');
    try {
      const failed = await run(process.execPath, ["--import", "tsx", entry, "build", "lambda", broken, "--out", join(dir, "out")]).catch(
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failed).toMatchObject({ code: 1, stdout: "" });
      expect((failed as { stderr: string }).stderr).toBe(
        `jobwrap build lambda: esbuild could not bundle ${broken}:\n  ${relative(process.cwd(), broken)}:1: Could not resolve "./does-not-exist.js"\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an unknown command with exit code 2", async () => {
    const failed = await run(process.execPath, ["--import", "tsx", entry, "nope"]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "nope"') });
  });
});
