/**
 * jobwrap as its users get it: `npm pack` (its lifecycle builds dist/), the tarball installed into
 * an empty project, the README's tour compiled by that project's TypeScript and run as JavaScript,
 * `npx jobwrap` from there, and the Heroku example built and started as Heroku's Node buildpack does.
 * The installs read npm's cache first and the registry for what is not there.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webOrigin } from "../contract/app.js";
import { runContract } from "../contract/run.js";
import { send } from "../support/http.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "jobwrap-package-"));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const install = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];
let tarball: string;
let files: string[] = [];

/** `npm pack` of a copy of the package's sources, so that its build does not touch this checkout's dist/. */
async function pack(): Promise<string> {
  const stage = join(work, "stage");
  mkdirSync(stage);
  for (const entry of ["package.json", "tsconfig.json", "tsconfig.build.json", "src", "LICENSE", "README.md"]) {
    cpSync(join(root, entry), join(stage, entry), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(stage, "node_modules"), "dir");
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: stage });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  files = packed!.files.map((file) => file.path);
  return join(work, packed!.filename);
}

/** Lines of a child's output as they come, and a wait for one that matches. */
function watch(child: ChildProcess): { output: () => string; waitFor: (pattern: RegExp) => Promise<RegExpExecArray> } {
  let text = "";
  child.stdout!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return {
    output: () => text,
    waitFor: async (pattern) => {
      for (const began = Date.now(); Date.now() - began < 20_000; await new Promise((resolve) => setTimeout(resolve, 50))) {
        const found = pattern.exec(text);
        if (found) return found;
      }
      throw new Error(`waited 20 s for ${pattern} in:\n${text}`);
    },
  };
}

function stop(child: ChildProcess | undefined): void {
  if (child?.exitCode === null) child.kill("SIGKILL");
}

beforeAll(async () => {
  tarball = await pack();
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm pack", () => {
  it("builds dist/ and ships it with the sources, the licence and the README, and no tests", () => {
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/cli/main.js", "dist/adapters/node.js", "src/index.ts"]));
    expect(files.filter((file) => !/^(dist|src)\//.test(file)).sort()).toEqual(["LICENSE", "README.md", "package.json"]);
  });
});

describe("an empty project that installs the tarball", () => {
  const project = join(work, "consumer");
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const tools = ["typescript", "@types/node"].map((name) => `${name}@${pkg.devDependencies[name]}`);
    await run("npm", [...install, tarball, `valibot@${pkg.dependencies.valibot}`, ...tools], { cwd: project });
  }, 180_000);

  afterAll(() => stop(server));

  it("type-checks the README's tour, strict, and runs it compiled to JavaScript: the service answers, /openapi.json too, without Swagger UI", async () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const tour = /## A short tour[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    writeFileSync(join(project, "tour.ts"), tour);
    writeFileSync(join(project, "main.ts"), 'import { serve } from "jobwrap/node";\nimport { api } from "./tour.js";\n\nserve(api, { docs: true });\n');
    const tsconfig = { compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", outDir: "out", types: ["node"] }, files: ["main.ts"] };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(tsconfig));
    await run(join(project, "node_modules/.bin/tsc"), ["-p", "."], { cwd: project });

    server = spawn(process.execPath, ["out/main.js"], { cwd: project, env: { ...process.env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    const { waitFor, output } = watch(server);
    const base = `http://127.0.0.1:${(await waitFor(/listening on http:\/\/localhost:(\d+)/))[1]}`;
    const json = { "content-type": "application/json" };
    const text = (body: Uint8Array) => new TextDecoder().decode(body);
    const created = await send(base, { method: "POST", path: "/user", headers: json, body: '{"name":"Alice"}' });
    expect([created.status, text(created.body)]).toEqual([201, '{"name":"Alice"}']);
    const again = await send(base, { method: "POST", path: "/user", headers: json, body: '{"name":"Alice"}' });
    expect(again.status).toBe(409);
    const read = await send(base, { method: "GET", path: "/user/Alice" });
    expect([read.status, text(read.body)]).toEqual([200, '{"name":"Alice"}']);
    const bad = await send(base, { method: "GET", path: "/user/A1" });
    expect([bad.status, bad.headers["content-type"]]).toEqual([400, ["application/problem+json"]]);

    const document = await send(base, { method: "GET", path: "/openapi.json" });
    expect(document.status).toBe(200);
    expect(Object.keys((JSON.parse(text(document.body)) as { paths: object }).paths)).toEqual(["/user", "/user/{name}"]);
    const page = await send(base, { method: "GET", path: "/docs" });
    expect(page.status).toBe(500);
    expect(JSON.parse(text(page.body))).toMatchObject({ status: 500, detail: "The API docs page is not installed on this server" });
    await waitFor(/"severity":"WARNING"/);
    const warnings = output().split("\n").filter((line) => line.includes('"WARNING"'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!).message).toBe("the docs page /docs needs swagger-ui-dist (npm install swagger-ui-dist); /openapi.json is served without it");
  }, 180_000);

  it("runs `npx jobwrap`, and names the optional package a command needs with the line that installs it", async () => {
    const help = await run("npx", ["--no-install", "jobwrap", "help"], { cwd: project });
    expect(help.stdout).toMatch(/^usage: jobwrap <command>/);
    const failed = await run("npx", ["--no-install", "jobwrap", "openapi", "tour.ts"], { cwd: project }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: "jobwrap openapi: needs the package tsx: npm install --save-dev tsx\n" });
    // A .mts or .cts module is TypeScript too: under plain Node it needs tsx as well, rather than
    // failing on Node's own import of an extension it cannot load.
    for (const file of ["tour.mts", "tour.cts"]) {
      writeFileSync(join(project, file), 'export const api = "not read: tsx is needed first";\n');
      const typed = await run("npx", ["--no-install", "jobwrap", "openapi", file], { cwd: project }).catch((error: { code: number; stderr: string }) => error);
      expect(typed).toMatchObject({ code: 1, stderr: "jobwrap openapi: needs the package tsx: npm install --save-dev tsx\n" });
    }
  }, 60_000);
});

describe("examples/heroku, built as Heroku's Node buildpack builds it", () => {
  // An app of its own: the example with the jobs it imports moved inside it, as the README says.
  const app = join(work, "heroku");
  let web: ChildProcess | undefined;
  let base: string;

  beforeAll(async () => {
    cpSync(join(root, "examples/heroku"), app, { recursive: true, filter: (from) => !/\/(dist|node_modules)$/.test(from) });
    cpSync(join(root, "examples/users"), join(app, "users"), { recursive: true });
    writeFileSync(join(app, "server.ts"), readFileSync(join(app, "server.ts"), "utf8").replaceAll('"../users/', '"./users/'));
    // jobwrap from the tarball until it is on the registry; everything else as the app declares it.
    const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(manifest.dependencies.jobwrap).toBe(pkg.version);
    manifest.dependencies.jobwrap = `file:${tarball}`;
    writeFileSync(join(app, "package.json"), JSON.stringify(manifest, null, 2));

    // The buildpack: install with dev dependencies, run `build`, prune dev dependencies, start `web`.
    await run("npm", [...install, "--include=dev"], { cwd: app });
    await run("npm", ["run", "build"], { cwd: app });
    await run("npm", ["prune", "--omit=dev", "--no-audit", "--no-fund"], { cwd: app });
    const command = readFileSync(join(app, "Procfile"), "utf8").split("\n").find((line) => line.startsWith("web:"))!.slice(4).trim();
    // The contract's CORS rows call from its web origin, which the example allows by USERS_WEB_ORIGIN.
    web = spawn("bash", ["-c", command], { cwd: app, env: { ...process.env, PORT: "0", USERS_WEB_ORIGIN: webOrigin }, stdio: ["ignore", "pipe", "pipe"] });
    base = `http://127.0.0.1:${(await watch(web).waitFor(/listening on http:\/\/localhost:(\d+)/))[1]}`;
  }, 180_000);

  afterAll(() => stop(web));

  it("is deployed as source: the repository holds no built dist/ of it", async () => {
    const tracked = await run("git", ["ls-files", "examples/heroku"], { cwd: root });
    expect(tracked.stdout.split("\n").filter(Boolean).sort()).toEqual(["examples/heroku/Procfile", "examples/heroku/app.json", "examples/heroku/package.json", "examples/heroku/server.ts"]);
  });

  runContract({ platform: "heroku", rows: (row) => row.request.path.startsWith("/user") }, () => (request) => send(base, request));
});
