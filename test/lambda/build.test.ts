/**
 * `jobwrap build lambda`: one minified ESM file with no deploy-time code and `@aws-sdk/*` left to
 * the runtime, and a zip that is the same for the same code. The zip's handler is loaded here
 * by plain Node as an ES module, with no runtime client; ric.test.ts runs it in aws-lambda-ric.
 * The default output folder is in build-default-out.test.ts (it changes the working directory,
 * which the mutation runs' worker threads cannot).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { deflateSync, unzipSync } from "fflate";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runBuild } from "../../src/cli/commands/build.js";
import { main } from "../../src/cli/main.js";
import { BuildError, buildLambda } from "../../src/deploy/lambda/build.js";
import { fixture } from "./events.js";

const out = mkdtempSync(join(tmpdir(), "jobwrap-build-test-"));
/** Entries written for a test live in the repository, so they resolve `jobwrap` as the examples do. */
const scratch = resolve("test/.out/lambda-build");
mkdirSync(scratch, { recursive: true });
afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

function capture() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, io: { out: (line: string) => lines.out.push(line), err: (line: string) => lines.err.push(line) } };
}

describe("jobwrap build lambda", () => {
  it("bundles examples/lambda/handler.ts into index.mjs and function.zip, handler index.handler", async () => {
    const { lines, io } = capture();
    const dir = join(out, "cli");
    expect(await runBuild(["lambda", "examples/lambda/handler.ts", "--out", dir], io)).toBe(0);
    expect(lines.out.join("\n")).toMatch(/index\.mjs[\s\S]*function\.zip[\s\S]*handler\s+index\.handler/);
    const code = readFileSync(join(dir, "index.mjs"), "utf8");
    // Minified ESM for node22, that may still require Node's own modules.
    expect(code.split("\n").length).toBeLessThan(10);
    expect(code.startsWith('import{createRequire as __jobwrapRequire}from"node:module"')).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*as handler\}/);
    // No deploy-time code: not the build, not the deploy, not the SDK.
    for (const absent of ["zipSync", "esbuild", "client-lambda", "jobwrap build", "CreateFunction"]) expect(code).not.toContain(absent);
    // Under `npm run mutate` the sources are instrumented (every mutant built in, switched at run
    // time): that bundle's size says nothing of the real one's.
    if (!code.includes("__stryker__")) expect(code.length).toBeLessThan(64 * 1024);
    const entries = unzipSync(readFileSync(join(dir, "function.zip")));
    expect(Object.keys(entries)).toEqual(["index.mjs"]);
    expect(Buffer.from(entries["index.mjs"]!).toString()).toBe(code);
  });

  it("writes entries readable by the runtime's user (mode 0644) and a zip that is the same for the same code", async () => {
    const a = await buildLambda({ entry: "examples/lambda/handler.ts", outDir: join(out, "a") });
    const b = await buildLambda({ entry: "examples/lambda/handler.ts", outDir: join(out, "b") });
    expect(readFileSync(a.zip).equals(readFileSync(b.zip))).toBe(true);
    // External file attributes of the one central directory entry: Unix mode in the high 16 bits.
    const zip = readFileSync(a.zip);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt8(central + 5)).toBe(3); // made by Unix
    expect((zip.readUInt32LE(central + 38) >>> 16) & 0o777).toBe(0o644);
  });

  it("deflates the zip's entry as small as fflate gets it (level 9)", async () => {
    const built = await buildLambda({ entry: "examples/lambda/handler.ts", outDir: join(out, "level") });
    const zip = readFileSync(built.zip);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip.readUInt32LE(central + 20)).toBe(deflateSync(readFileSync(built.bundle), { level: 9 }).length);
  });

  it("lowers syntax newer than Node 22 (nodejs22.x runs it) and drops legal comments", async () => {
    const entry = join(scratch, "newer.ts");
    writeFileSync(
      entry,
      "/*! @license Example-1.0 */\nexport const handler = async () => {\n  using held = { [Symbol.dispose]() {} };\n  return { statusCode: 200, body: typeof held };\n};\n",
    );
    const built = await buildLambda({ entry, outDir: join(out, "newer") });
    const code = readFileSync(built.bundle, "utf8");
    expect(code).not.toMatch(/\busing\b/);
    expect(code).not.toContain("@license");
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(built.bundle).href)}); process.stdout.write(JSON.stringify(await handler()));`;
    expect(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }))).toEqual({ statusCode: 200, body: "object" });
  });

  it("leaves @aws-sdk/* to the runtime", async () => {
    const entry = join(scratch, "sdk.ts");
    writeFileSync(entry, 'import { LambdaClient } from "@aws-sdk/client-lambda";\nexport const handler = async () => typeof LambdaClient;\n');
    const built = await buildLambda({ entry, outDir: join(out, "sdk") });
    const code = readFileSync(built.bundle, "utf8");
    expect(code).toMatch(/from\s*"@aws-sdk\/client-lambda"/);
    expect(code.length).toBeLessThan(2048);
  });

  it("refuses a handler that pulls in jobwrap's deploy-time code, naming each file", async () => {
    const entry = join(scratch, "leaky.ts");
    writeFileSync(entry, 'import { buildLambda } from "../../../src/deploy/lambda/build.js";\nexport const handler = async () => typeof buildLambda;\n');
    await expect(buildLambda({ entry, outDir: join(out, "leaky") })).rejects.toThrow(
      new BuildError("the handler pulls deploy-time code into the bundle: src/deploy/lambda/build.ts"),
    );
    writeFileSync(
      entry,
      'import { consoleIo } from "../../../src/cli/command.js";\nimport { defaults } from "../../../src/deploy/lambda/options.js";\nexport const handler = async () => [consoleIo, defaults];\n',
    );
    await expect(buildLambda({ entry, outDir: join(out, "leaky") })).rejects.toThrow(
      new BuildError("the handler pulls deploy-time code into the bundle: src/cli/command.ts, src/deploy/lambda/options.ts"),
    );
  });

  it("says what is wrong with the command line, the entry, or its code", async () => {
    let c = capture();
    expect(await runBuild(["lambda"], c.io)).toBe(2);
    expect(c.lines.err[0]).toMatch(/no entry given[\s\S]*usage: jobwrap build lambda/);
    c = capture();
    expect(await runBuild(["workers", "x.ts"], c.io)).toBe(2);
    expect(c.lines.err[0]).toMatch(/unknown platform "workers"/);
    c = capture();
    expect(await runBuild(["lambda", "a.ts", "b.ts"], c.io)).toBe(2);
    c = capture();
    expect(await runBuild(["lambda", "--help"], c.io)).toBe(0);
    expect(c.lines.out[0]).toMatch(/--out DIR/);
    c = capture();
    expect(await runBuild(["lambda", "nowhere/handler.ts"], c.io)).toBe(1);
    expect(c.lines.err[0]).toMatch(/no handler module at nowhere\/handler\.ts/);
    const broken = join(scratch, "broken.ts");
    writeFileSync(broken, 'import { nothing } from "./does-not-exist.js";\nimport { none } from "./nor-this.js";\nexport const handler = [nothing, none];\n');
    const file = relative(process.cwd(), broken);
    await expect(buildLambda({ entry: broken, outDir: join(out, "broken") })).rejects.toThrow(
      new BuildError(
        `esbuild could not bundle ${broken}:\n  ${file}:1: Could not resolve "./does-not-exist.js"\n  ${file}:2: Could not resolve "./nor-this.js"`,
      ),
    );
  });

  it("names the package to install when esbuild or fflate is missing, exit code 1", async () => {
    for (const name of ["esbuild", "fflate"]) {
      vi.doMock(name, () => {
        throw new Error(`Cannot find package '${name}'`);
      });
      try {
        const c = capture();
        expect(await runBuild(["lambda", "examples/lambda/handler.ts", "--out", join(out, `no-${name}`)], c.io)).toBe(1);
        expect(c.lines).toEqual({ out: [], err: [`jobwrap build lambda: needs the package ${name}: npm install --save-dev ${name}`] });
      } finally {
        vi.doUnmock(name);
      }
    }
  });

  it("tells an esbuild failure that has no messages by its own text", async () => {
    vi.doMock("esbuild", () => ({
      build: async () => {
        throw new Error("The service is no longer running");
      },
    }));
    try {
      await expect(buildLambda({ entry: "examples/lambda/handler.ts", outDir: join(out, "stopped") })).rejects.toThrow(
        new BuildError("esbuild could not bundle examples/lambda/handler.ts: Error: The service is no longer running"),
      );
    } finally {
      vi.doUnmock("esbuild");
    }
  });

  it("is a command of the jobwrap CLI", async () => {
    const log = console.log;
    const printed: string[] = [];
    console.log = (line: string) => printed.push(line);
    try {
      expect(await main(["help"])).toBe(0);
    } finally {
      console.log = log;
    }
    expect(printed.join("\n")).toMatch(/build\s+bundle a handler/);
  });

  it("the bundle loads in plain Node as an ES module and answers a fixture event", async () => {
    const built = await buildLambda({ entry: "examples/lambda/handler.ts", outDir: join(out, "node") });
    const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(built.bundle).href)});
const result = await handler(JSON.parse(process.argv[1]), { awsRequestId: "plain-node", getRemainingTimeInMillis: () => 3000 });
process.stdout.write(JSON.stringify(result));`;
    const event = fixture("apigw-v2-cookies.json");
    const stdout = execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(event)], {
      cwd: tmpdir(),
      encoding: "utf8",
    });
    const result = JSON.parse(stdout.slice(stdout.indexOf('{"statusCode"')));
    expect(result).toMatchObject({ statusCode: 404, isBase64Encoded: false, headers: { "x-request-id": "plain-node" } });
  });
});
