// `jobwrap openapi <module>` as a user runs it: a real process on the users example's source.
import { Validator } from "@seriousme/openapi-schema-validator";
import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runOpenApi } from "../../src/cli/commands/openapi.js";

const run = promisify(execFile);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) }, out, err };
}

describe("jobwrap openapi <module>", () => {
  it("prints a valid OpenAPI 3.1 document of the users example, its exported schemas named", async () => {
    const { stdout } = await run("node_modules/.bin/tsx", ["src/cli/main.ts", "openapi", "examples/users/index.ts", "--version", "1.2.3", "--server", "http://localhost:8080"]);
    const doc = JSON.parse(stdout);
    const validator = new Validator();
    expect((await validator.validate(doc)).valid).toBe(true);
    expect(doc.info).toEqual({ title: "users", version: "1.2.3" });
    expect(doc.servers).toEqual([{ url: "http://localhost:8080" }]);
    expect(doc.components.schemas.UserName).toEqual({ type: "string", minLength: 3, maxLength: 40, pattern: "^[a-zA-Z]*$" });
    expect(doc.components.schemas.User).toEqual({ type: "object", properties: { name: { $ref: "#/components/schemas/UserName" } }, required: ["name"] });
    expect(doc.paths["/user/{name}"].get.parameters[0]).toEqual({ name: "name", in: "path", required: true, schema: { $ref: "#/components/schemas/UserName" } });
    expect(doc.paths["/user"].post.responses["201"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/User" });
  });

  it("writes to --out, and refuses a module without the export", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jobwrap-openapi-"));
    const ok = capture();
    expect(await runOpenApi(["examples/users/index.ts", "--out", join(dir, "openapi.json")], ok.io)).toBe(0);
    expect(JSON.parse(await readFile(join(dir, "openapi.json"), "utf8")).openapi).toBe("3.1.0");
    const missing = capture();
    expect(await runOpenApi(["examples/users/index.ts", "--export", "nope"], missing.io)).toBe(2);
    expect(missing.err.join("")).toContain('no export "nope"');
    const none = capture();
    expect(await runOpenApi([], none.io)).toBe(2);
    expect(none.err.join("")).toContain("usage: jobwrap openapi");
  });
});
