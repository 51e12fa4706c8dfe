/**
 * Whether a suite that needs Debian packages (scripts/system-packages.txt) runs here. When a
 * package is missing, the suite runs all the same and fails on it, unless the run was started
 * with JOBWRAP_SKIP_SYSTEM_SUITES=1: then it is skipped, and that is said on the console.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const list = fileURLToPath(new URL("../../scripts/system-packages.txt", import.meta.url));

export type SystemSuite = "browser" | "image" | "ric" | "postgres";

/** The packages `suite` needs whose command is not on the PATH. */
export function missingFor(suite: SystemSuite): string[] {
  return readFileSync(list, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => line.trim().split(/\s+/))
    .filter(([, , of]) => of === suite)
    .filter(([, command]) => spawnSync("sh", ["-c", `command -v ${command}`]).status !== 0)
    .map(([pkg]) => pkg!);
}

/** True when the suite is to be skipped (opted out, with something missing); says so loudly. */
export function leftOut(suite: SystemSuite, missing: string[] = missingFor(suite)): boolean {
  if (missing.length === 0 || process.env.JOBWRAP_SKIP_SYSTEM_SUITES !== "1") return false;
  console.warn(`\n${"!".repeat(78)}\nJOBWRAP_SKIP_SYSTEM_SUITES=1: the ${suite} suite is LEFT OUT (missing ${missing.join(", ")})\n${"!".repeat(78)}`);
  return true;
}
