// What the typed client costs the type checker on a 50-route table, in counts that do not
// depend on the machine: a regression to a generic `request(route, input)` (28.8k types,
// each call weighing every route) or to deep inference chains fails here. Times are in the
// report; rerun: npx tsc -p test/client/tsconfig.fifty.json --extendedDiagnostics
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

async function diagnostics(project: string): Promise<Record<string, number>> {
  const { stdout } = await run("node_modules/.bin/tsc", ["-p", project, "--extendedDiagnostics"]);
  const counts: Record<string, number> = {};
  for (const [, name, value] of stdout.matchAll(/^(Types|Instantiations|Symbols):\s+(\d+)$/gm)) counts[name!] = Number(value);
  return counts;
}

describe("type cost of client<typeof table> with 50 routes", () => {
  it("50 calls add little to what the table itself costs", { timeout: 120_000 }, async () => {
    const [table, calls] = await Promise.all([
      diagnostics("test/client/tsconfig.fifty-routes-only.json"),
      diagnostics("test/client/tsconfig.fifty.json"),
    ]);
    expect(table.Types).toBeGreaterThan(0);
    // Measured: table 10,838 types / 25,818 instantiations; with the calls 12,419 / 34,058.
    expect(calls.Types! - table.Types!).toBeLessThan(4_000);
    expect(calls.Instantiations! - table.Instantiations!).toBeLessThan(20_000);
  });
});
