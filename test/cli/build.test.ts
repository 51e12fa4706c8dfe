// `jobwrap build lambda …` in process: what it prints, its usage errors and exit codes.
// test/lambda/build.test.ts checks the bundle and zip themselves.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

async function jobwrap(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** Relative to the working directory, as the command prints its paths. */
const scratch = "test/.out/cli-build";
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("jobwrap build", () => {
  it("prints the bundle and the zip with their sizes, and the handler, on out", async () => {
    const dir = `${scratch}/ok`;
    const result = await jobwrap("build", "lambda", "test/cli/fixtures/handler.mjs", "--out", dir);
    expect(result).toMatchObject({ code: 0, err: "" });
    const bundle = statSync(join(dir, "index.mjs")).size;
    const zip = statSync(join(dir, "function.zip")).size;
    expect(bundle).toBeGreaterThan(1024);
    expect(zip).toBeLessThan(1024);
    expect(result.out.split("\n")).toEqual([
      `bundle   ${dir}/index.mjs (${(bundle / 1024).toFixed(1)} KiB)`,
      `zip      ${dir}/function.zip (${zip} B)`,
      "handler  index.handler",
    ]);
    expect(Object.keys(unzipSync(readFileSync(join(dir, "function.zip"))))).toEqual(["index.mjs"]);
  });

  it("tells a bundle of exactly 1 KiB in KiB, and one a byte smaller in bytes", async () => {
    const dir = `${scratch}/sizes`;
    mkdirSync(dir, { recursive: true });
    /** Builds a handler whose answer is `pad` characters long: the bundle grows by one byte a character. */
    const build = async (pad: number) => {
      writeFileSync(join(dir, "handler.mjs"), `export const handler = async () => ${JSON.stringify("x".repeat(pad))};\n`);
      const result = await jobwrap("build", "lambda", join(dir, "handler.mjs"), "--out", join(dir, "out"));
      return { line: result.out.split("\n")[0], size: statSync(join(dir, "out", "index.mjs")).size };
    };
    const pad = 1024 - (await build(0)).size;
    expect(await build(pad)).toEqual({ line: `bundle   ${dir}/out/index.mjs (1.0 KiB)`, size: 1024 });
    expect(await build(pad - 1)).toEqual({ line: `bundle   ${dir}/out/index.mjs (1023 B)`, size: 1023 });
  });

  it("prints its usage on out for --help and -h, before or after the platform", async () => {
    for (const argv of [["--help"], ["-h"], ["lambda", "--help"], ["lambda", "handler.ts", "-h"]]) {
      const result = await jobwrap("build", ...argv);
      expect(result).toMatchObject({ code: 0, err: "" });
      expect(result.out).toMatch(/^usage: jobwrap build lambda <entry> \[--out DIR\]\n/);
      expect(result.out).toContain("--out DIR    where index.mjs and function.zip go (default .jobwrap/lambda)");
    }
  });

  it("refuses no platform, another platform, no entry, two entries and an unknown flag, exit code 2", async () => {
    const usage = (await jobwrap("build", "--help")).out;
    expect(await jobwrap("build")).toEqual({ code: 2, out: "", err: usage });
    expect(await jobwrap("build", "workers", "a.ts")).toEqual({ code: 2, out: "", err: `jobwrap build: unknown platform "workers" (known: lambda)\n\n${usage}` });
    expect(await jobwrap("build", "lambda")).toEqual({ code: 2, out: "", err: `jobwrap build lambda: no entry given\n\n${usage}` });
    expect(await jobwrap("build", "lambda", "a.ts", "b.ts")).toEqual({ code: 2, out: "", err: `jobwrap build lambda: one entry, not 2\n\n${usage}` });
    const unknown = await jobwrap("build", "lambda", "a.ts", "--outdir", "x");
    expect(unknown).toMatchObject({ code: 2, out: "" });
    expect(unknown.err).toMatch(/^jobwrap build lambda: Unknown option '--outdir'/);
  });

  it("fails with exit code 1 on an entry that is not there, or an output folder it cannot make", async () => {
    expect(await jobwrap("build", "lambda", "test/cli/fixtures/absent.ts", "--out", `${scratch}/absent`)).toEqual({
      code: 1,
      out: "",
      err: "jobwrap build lambda: no handler module at test/cli/fixtures/absent.ts",
    });
    mkdirSync(scratch, { recursive: true });
    writeFileSync(`${scratch}/a-file`, "");
    const blocked = await jobwrap("build", "lambda", "test/cli/fixtures/handler.mjs", "--out", `${scratch}/a-file`);
    expect(blocked).toMatchObject({ code: 1, out: "" });
    expect(blocked.err).toMatch(/^jobwrap build: EEXIST: file already exists, mkdir /);
  });
});
