// The client runs where `fetch` does: bundled for the browser it must carry no Node module,
// none of the server's pipeline and no router.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

describe("jobwrap/client bundled for the browser", () => {
  it("holds no node: import, no router, no valibot, and stays small", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../../src/client.ts", import.meta.url))],
      bundle: true,
      platform: "browser",
      format: "esm",
      minify: true,
      write: false,
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => /node_modules|node:/.test(file))).toEqual([]);
    expect(inputs.sort()).toEqual(["src/client.ts", "src/core/path-param.ts", "src/core/status.ts"]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toContain("node:");
    expect(code.length).toBeLessThan(6000);
  });
});
