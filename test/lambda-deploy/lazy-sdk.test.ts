import { build, type Metafile } from "esbuild";
import { expect, test } from "vitest";

/** Every module reachable from `entry`, following only the import kinds given, per esbuild's graph. */
async function reachable(entry: string, follow: (kind: string) => boolean): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    metafile: true,
    logLevel: "silent",
    // Resolve jobwrap's own package names to its sources, as tsconfig's paths do.
    tsconfig: "tsconfig.json",
  });
  const graph: Metafile["inputs"] = metafile.inputs;
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !graph[file]) return;
    seen.add(file);
    for (const edge of graph[file]!.imports) if (follow(edge.kind)) visit(edge.path);
  };
  visit(Object.keys(graph).find((file) => file.endsWith(entry))!);
  return [...seen];
}

test("the deploy command loads the AWS SDK only when it deploys (dynamic import)", async () => {
  const eager = await reachable("src/cli/commands/deploy.ts", (kind) => kind !== "dynamic-import");
  expect(eager.length).toBeGreaterThan(1);
  expect(eager.filter((file) => file.includes("@aws-sdk") || file.includes("@smithy"))).toEqual([]);
  const all = await reachable("src/cli/commands/deploy.ts", () => true);
  expect(all.some((file) => file.includes("@aws-sdk/client-lambda"))).toBe(true);
});

test("no runtime module reaches deploy code or the AWS SDK, even through a dynamic import", async () => {
  for (const entry of ["src/index.ts", "src/adapters/lambda/index.ts", "src/adapters/node.ts"]) {
    const all = await reachable(entry, () => true);
    expect(all.filter((file) => /@aws-sdk|@smithy|src\/deploy\/|src\/cli\//.test(file)), entry).toEqual([]);
  }
});
