// `jobwrap <command> …` run in this process through main(argv, io): what it writes to out and err,
// and its exit code. main.test.ts runs the same CLI as a real process, through npm's bin symlink.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

/** Runs the CLI with these arguments; its output as the lines written to each stream. */
async function jobwrap(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const fixtures = "test/cli/fixtures";

describe("jobwrap help", () => {
  it("lists every command with its one-line summary, on out, exit code 0", async () => {
    const help = await jobwrap("help");
    expect(help).toMatchObject({ code: 0, err: "" });
    expect(help.out.split("\n")).toEqual([
      "usage: jobwrap <command> [options]",
      "",
      "commands:",
      "  build      bundle a handler for a platform: `jobwrap build lambda <entry> [--out DIR]`",
      "  deploy     deploy to a platform: `jobwrap deploy lambda <entry> --name <function>`",
      "  k8s        write a Dockerfile, Kubernetes manifests and a CI workflow for a Node server entry",
      "  openapi    print the OpenAPI 3.1 document of a module's `api`: `jobwrap openapi <module>`",
    ]);
  });

  it("is what no command, --help and -h print too", async () => {
    const help = (await jobwrap("help")).out;
    for (const argv of [[], ["--help"], ["-h"]]) expect(await jobwrap(...argv)).toEqual({ code: 0, out: help, err: "" });
  });

  it("refuses an unknown command on err with exit code 2, the help after it", async () => {
    const help = (await jobwrap("help")).out;
    expect(await jobwrap("deploi", "lambda")).toEqual({ code: 2, out: "", err: `jobwrap: unknown command "deploi"\n\n${help}` });
    // A name every object has is no command either.
    expect(await jobwrap("toString")).toMatchObject({ code: 2, out: "", err: expect.stringMatching(/^jobwrap: unknown command "toString"\n\nusage:/) });
  });
});

describe("a command that fails", () => {
  it("is one line on err naming the command, exit code 1", async () => {
    expect(await jobwrap("openapi", `${fixtures}/throws.ts`)).toEqual({ code: 1, out: "", err: "jobwrap openapi: the shop's module refused to load" });
    expect(await jobwrap("openapi", `${fixtures}/throws-value.ts`)).toEqual({ code: 1, out: "", err: "jobwrap openapi: a plain string, not an Error" });
    expect(await jobwrap("openapi", `${fixtures}/throws-undefined.ts`)).toEqual({ code: 1, out: "", err: "jobwrap openapi: undefined" });
    // Only Node's own "module not found" names a package to install, not an error quoting a name as it does.
    expect(await jobwrap("openapi", `${fixtures}/throws-quoting.ts`)).toEqual({
      code: 1,
      out: "",
      err: "jobwrap openapi: Cannot find module 'settings.local' in the config folder",
    });
  });

  it("names a missing package and how to add it", async () => {
    expect(await jobwrap("openapi", `${fixtures}/needs-package.ts`)).toEqual({
      code: 1,
      out: "",
      err: "jobwrap openapi: needs the package jobwrap-absent-package: npm install --save-dev jobwrap-absent-package",
    });
    expect(await jobwrap("openapi", `${fixtures}/needs-scoped-package.ts`)).toEqual({
      code: 1,
      out: "",
      err: "jobwrap openapi: needs the package @jobwrap-absent/tools: npm install --save-dev @jobwrap-absent/tools",
    });
  });

  it("shows a missing module of the user's own as Node's message, not as a package to install", async () => {
    const result = await jobwrap("openapi", `${fixtures}/no-such-module.ts`);
    expect(result).toMatchObject({ code: 1, out: "" });
    expect(result.err).toMatch(/^jobwrap openapi: .*no-such-module\.ts/);
    expect(result.err).not.toMatch(/needs the package/);
  });
});

describe("jobwrap openapi", () => {
  it("prints the document of the module's api, its exported schemas named, titled by the module's folder for an index", async () => {
    const result = await jobwrap("openapi", `${fixtures}/shop/index.ts`);
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(result.out).toMatch(/^\{\n {2}"openapi": "3\.1\.0",\n/);
    const doc = JSON.parse(result.out);
    expect(doc.info).toEqual({ title: "shop", version: "0.0.0" });
    expect(doc.servers).toBeUndefined();
    expect(Object.keys(doc.components.schemas).sort()).toEqual(["Item", "Problem", "Sku"]);
    expect(doc.paths["/item/{sku}"].get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Item" });
  });

  it("takes --export, --title, --version and each --server", async () => {
    const result = await jobwrap(
      "openapi",
      `${fixtures}/shop/index.ts`,
      "--export",
      "itemGet",
      "--title",
      "Shop",
      "--version",
      "2.0.1",
      "--server",
      "https://shop.example.com",
      "--server",
      "http://localhost:8080",
    );
    expect(result).toMatchObject({ code: 0, err: "" });
    const doc = JSON.parse(result.out);
    expect(doc.info).toEqual({ title: "Shop", version: "2.0.1" });
    expect(doc.servers).toEqual([{ url: "https://shop.example.com" }, { url: "http://localhost:8080" }]);
  });

  it("is titled by the module's file name, its extension dropped, and written to --out with a final newline", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jobwrap-openapi-title-"));
    expect(await jobwrap("openapi", `${fixtures}/catalog.ts`, "--out", join(dir, "catalog.json"))).toEqual({ code: 0, out: "", err: "" });
    const written = await readFile(join(dir, "catalog.json"), "utf8");
    expect(written.endsWith("\n}\n")).toBe(true);
    expect(JSON.parse(written).info.title).toBe("catalog");
    // .mts is TypeScript too.
    expect(JSON.parse((await jobwrap("openapi", `${fixtures}/catalog.mts`)).out).info.title).toBe("catalog");
    // Only the last dot's extension.
    expect(JSON.parse((await jobwrap("openapi", `${fixtures}/catalog.v2.ts`)).out).info.title).toBe("catalog.v2");
  });

  it("refuses an export that is neither a route table nor a job, exit code 2", async () => {
    for (const name of ["notAnApp", "Item", "none", "unset", "version", "absent"]) {
      expect(await jobwrap("openapi", `${fixtures}/shop/index.ts`, "--export", name)).toEqual({
        code: 2,
        out: "",
        err: `jobwrap openapi: ${fixtures}/shop/index.ts has no export "${name}" that is a route table or a job (pass --export NAME)`,
      });
    }
  });

  it("prints its usage for --help and -h, on out", async () => {
    for (const flag of ["--help", "-h"]) {
      const result = await jobwrap("openapi", flag);
      expect(result).toMatchObject({ code: 0, err: "" });
      expect(result.out).toMatch(/^usage: jobwrap openapi <module> \[--export NAME\]/);
      expect(result.out).toContain("--server URL    a servers entry; repeat for several");
    }
  });

  it("refuses no module, two modules and an unknown flag with its usage, exit code 2", async () => {
    const usage = (await jobwrap("openapi", "--help")).out;
    expect(await jobwrap("openapi")).toEqual({ code: 2, out: "", err: usage });
    expect(await jobwrap("openapi", "a.ts", "b.ts")).toEqual({ code: 2, out: "", err: `jobwrap openapi: one module, not 2\n\n${usage}` });
    const unknown = await jobwrap("openapi", "a.ts", "--titel", "x");
    expect(unknown).toMatchObject({ code: 2, out: "" });
    expect(unknown.err).toMatch(/^jobwrap openapi: Unknown option '--titel'/);
    expect(unknown.err.endsWith(`\n\n${usage}`)).toBe(true);
  });
});
