// `jobwrap deploy lambda …` in process: every flag checked before anything reaches AWS, a mistake
// being a usage error (exit code 2, the usage after it). test/lambda-deploy runs deploys on the wire.
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

async function jobwrap(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A zip that is not there: flags that pass every check reach the upload's first step and stop there. */
const missingZip = "test/cli/fixtures/no-such.zip";
const deploy = (...args: string[]) => jobwrap("deploy", "lambda", "--name", "users", ...args);
const withZip = (...args: string[]) => deploy("--zip", missingZip, ...args);

/** The flags passed every check: the deploy went on to read the zip. */
async function accepted(...args: string[]) {
  expect(await withZip(...args)).toEqual({ code: 1, out: "", err: `jobwrap deploy lambda: cannot read the zip ${missingZip}` });
}

/** Refused as a usage error with this message, the usage after it. */
async function refused(result: Promise<{ code: number; out: string; err: string }>, message: string) {
  const usage = (await jobwrap("deploy", "lambda", "--help")).out;
  expect(await result).toEqual({ code: 2, out: "", err: `jobwrap deploy lambda: ${message}\n\n${usage}` });
}

describe("jobwrap deploy", () => {
  it("prints its usage on out for --help and -h after the platform, with every default", async () => {
    for (const flag of ["--help", "-h"]) {
      const result = await jobwrap("deploy", "lambda", "--name", "users", flag);
      expect(result).toMatchObject({ code: 0, err: "" });
      expect(result.out).toMatch(/^usage: jobwrap deploy lambda <entry\.ts> \| --zip <file\.zip> {2}--name <function> \[options\]\n/);
      for (const line of [
        "--out DIR            where the build goes (default .jobwrap/lambda)",
        "--handler H          the handler inside the zip (default index.handler)",
        "--runtime R          nodejs22.x or later (default nodejs24.x)",
        "--arch A             arm64 or x86_64 (default arm64)",
        "--memory MB          128 to 10240 (default 512)",
        "--timeout S          1 to 900 seconds (default 10)",
        "--alias NAME         the alias traffic goes through (default live)",
        "--url none|iam|off   a public Function URL, one for signed requests only, or none (default none)",
      ]) {
        expect(result.out).toContain(`\n  ${line}\n`);
      }
    }
  });

  it("refuses no platform with its usage, and another platform by name", async () => {
    const usage = (await jobwrap("deploy", "lambda", "--help")).out;
    expect(await jobwrap("deploy")).toEqual({ code: 2, out: "", err: usage });
    expect(await jobwrap("deploy", "gcp", "--name", "users")).toEqual({
      code: 2,
      out: "",
      err: `jobwrap deploy: unknown platform "gcp" (known: lambda)\n\n${usage}`,
    });
  });

  it("needs a name, and one entry or --zip", async () => {
    await refused(jobwrap("deploy", "lambda", "--zip", missingZip), "--name is required");
    await refused(jobwrap("deploy", "lambda", "--name", "", "--zip", missingZip), "--name is required");
    await refused(deploy("a.ts", "b.ts"), "one entry file, not 2");
    await refused(deploy(), "give either an entry file or --zip, not both or neither");
    await refused(deploy("a.ts", "--zip", missingZip), "give either an entry file or --zip, not both or neither");
    await refused(deploy("--promote", "--canary", "10"), "--promote and --canary do not go together");
  });

  it("refuses an unknown flag", async () => {
    const result = await withZip("--memroy", "256");
    expect(result).toMatchObject({ code: 2, out: "" });
    expect(result.err).toMatch(/^jobwrap deploy lambda: Unknown option '--memroy'/);
  });

  it("takes the architectures Lambda has", async () => {
    await accepted("--arch", "arm64");
    await accepted("--arch", "x86_64");
    await refused(withZip("--arch", "amd64"), "--arch must be arm64 or x86_64");
  });

  it("takes a Node runtime from nodejs22.x on", async () => {
    await accepted("--runtime", "nodejs22.x");
    await accepted("--runtime", "nodejs24.x");
    for (const runtime of ["nodejs20.x", "nodejs", "python3.13"]) {
      const result = await withZip("--runtime", runtime);
      expect(result).toMatchObject({ code: 2, out: "" });
      expect(result.err).toMatch(/^jobwrap deploy lambda: --runtime must be one of nodejs22\.x, nodejs24\.x(, nodejs\d+\.x)*\n\nusage: jobwrap deploy lambda/);
    }
  });

  it("takes memory from 128 to 10240 MB and a timeout from 1 to 900 s, whole numbers", async () => {
    for (const memory of ["128", "10240", "1769"]) await accepted("--memory", memory);
    for (const memory of ["127", "10241", "512.5", "lots"]) await refused(withZip("--memory", memory), "--memory must be a whole number from 128 to 10240");
    for (const timeout of ["1", "900"]) await accepted("--timeout", timeout);
    for (const timeout of ["0", "901", "1.5"]) await refused(withZip("--timeout", timeout), "--timeout must be a whole number from 1 to 900");
  });

  it("takes a canary share above 0 and below 100 percent", async () => {
    for (const share of ["0.001", "10", "99.999"]) await accepted("--canary", share);
    for (const share of ["0", "100", "100.5", "half"]) await refused(withZip("--canary", share), "--canary must be a percentage above 0 and below 100");
  });

  it("takes each --env as KEY=VALUE, the value possibly empty or holding '='", async () => {
    await accepted("--env", "TABLE=users", "--env", "EMPTY=", "--env", "QUERY=a=b");
    for (const pair of ["TABLE", "=users"]) await refused(withZip("--env", pair), `--env takes KEY=VALUE, not ${JSON.stringify(pair)}`);
  });

  it("takes a Function URL mode of none, iam or off", async () => {
    for (const url of ["none", "iam", "off"]) await accepted("--url", url);
    await refused(withZip("--url", "public"), "--url must be none, iam or off");
  });

  it("takes --url-cors origins, with a Function URL only", async () => {
    await accepted("--url-cors", "https://app.example.com, http://localhost:5173");
    await accepted("--url-cors", "*");
    await accepted("--url-cors", "https://app.example.com", "--url", "iam");
    // Empty items are dropped: nothing but commas is no origin, and no mistake either.
    await accepted("--url-cors", " , ");
    await refused(withZip("--url-cors", "https://app.example.com", "--url", "off"), "--url-cors needs a Function URL: not with --url off");
    // One bad origin among good ones is enough.
    await refused(withZip("--url-cors", "https://app.example.com,app.example.com"), "--url-cors takes origins such as https://app.example.com");
    for (const origin of ["app.example.com", "xhttps://app.example.com", "https://app.example.com/", "ftp://app.example.com", "https://app.example.com/path"]) {
      await refused(withZip("--url-cors", origin), "--url-cors takes origins such as https://app.example.com");
    }
  });

  it("builds the entry first when no --zip is given, a failed build being a failed deploy", async () => {
    expect(await deploy("test/cli/fixtures/no-such-handler.ts")).toEqual({
      code: 1,
      out: "",
      err: [
        "  building test/cli/fixtures/no-such-handler.ts (as `jobwrap build lambda` does)",
        "jobwrap deploy lambda: build failed: no handler module at test/cli/fixtures/no-such-handler.ts",
      ].join("\n"),
    });
  });
});
