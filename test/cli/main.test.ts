// The CLI as npm installs it: run through a symlink (node_modules/.bin/jobwrap), help without
// loading any command's tools.
import { execFile } from "node:child_process";
import { mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

  it("refuses an unknown command with exit code 2", async () => {
    const failed = await run(process.execPath, ["--import", "tsx", entry, "nope"]).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "nope"') });
  });
});
