// serve(api, { docs }) over real HTTP: the document, the page and its assets from the server
// itself, paths that cannot clash with the app's, and nothing of it loaded without docs.
import { Validator } from "@seriousme/openapi-schema-validator";
import { build } from "esbuild";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import { serve, type Served } from "jobwrap/node";
import { api } from "../../examples/users/index.js";

describe("serve(api, { docs: true })", () => {
  let served: Served;
  let base: string;

  beforeAll(async () => {
    served = serve(api, { port: 0, host: "127.0.0.1", signals: [], log: false, docs: true, timeout: 5000 });
    base = (await served.ready).url;
  });
  afterAll(() => served.drain());

  it("answers /openapi.json with the valid document of the app, its timeout's 504 included", async () => {
    const response = await fetch(`${base}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const doc = await response.json();
    expect((await new Validator().validate(doc)).valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(["/user", "/user/{name}", "/user/{name}/avatar"]);
    expect(Object.keys(doc.paths["/user/{name}"].get.responses)).toContain("504");
  });

  it("answers /docs with a page whose assets it serves itself, from swagger-ui-dist", async () => {
    const html = await (await fetch(`${base}/docs`)).text();
    const assets = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toEqual(["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/init.js"]);
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of assets) {
      const response = await fetch(base + asset);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/(css|javascript)/);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(asset.endsWith("init.js") ? 50 : 10_000);
    }
    expect(await (await fetch(`${base}/docs/init.js`)).text()).toContain('url: "/openapi.json"');
    const head = await fetch(`${base}/docs`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("answers /docs/ with the same page: its assets are absolute, so they load from there too", async () => {
    const slash = await fetch(`${base}/docs/`);
    expect([slash.status, slash.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
    expect(await slash.text()).toBe(await (await fetch(`${base}/docs`)).text());
  });

  it("leaves every other path to the app", async () => {
    expect((await fetch(`${base}/docs/other.js`)).status).toBe(404);
    expect((await fetch(`${base}/user/Nobody`)).status).toBe(404);
  });
});

describe("docs paths", () => {
  const own = (path: string) => routes({ [`GET ${path}`]: job({}, () => ({})) });

  it("refuses an app that answers one of them, and takes other paths", async () => {
    expect(() => serve(own("/docs"), { port: 0, signals: [], log: false, docs: true })).toThrow(
      "a route answers /docs, which serve() keeps for the API docs: pass docs.path/docs.specPath",
    );
    expect(() => serve(own("/openapi.json"), { port: 0, signals: [], log: false, docs: true })).toThrow(/keeps for the API docs/);
    expect(() => serve(routes({ "GET /docs/:file": job({ params: v.object({ file: v.string() }) }, () => ({})) }), { port: 0, signals: [], log: false, docs: true })).toThrow(
      "a route answers /docs/swagger-ui.css",
    );
    // Without docs, the app may have those paths.
    const plain = serve(own("/docs"), { port: 0, host: "127.0.0.1", signals: [], log: false });
    await plain.ready;
    await plain.drain();
    const moved = serve(own("/docs"), { port: 0, host: "127.0.0.1", signals: [], log: false, docs: { path: "/reference", specPath: "/reference/openapi.json" } });
    const url = (await moved.ready).url;
    expect(await (await fetch(`${url}/reference`)).text()).toContain('src="/reference/init.js"');
    expect(await (await fetch(`${url}/reference/init.js`)).text()).toContain('url: "/reference/openapi.json"');
    // The app keeps its own /docs: its job answers 204.
    expect((await fetch(`${url}/docs`)).status).toBe(204);
    await moved.drain();
  });
});

describe("the Node adapter bundled", () => {
  it("carries none of the generator, to-json-schema or Swagger UI: the docs load beside it, at run time", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../../src/adapters/node.ts", import.meta.url))],
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain("src/openapi/docs-routes.ts");
    expect(inputs.filter((file) => /to-json-schema|swagger|src\/openapi\/(?!docs-routes)/.test(file))).toEqual([]);
  });

  it("answers the docs paths of a one-file bundle with a logged 500 problem, and keeps serving the app", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jobwrap-docs-bundle-"));
    const src = fileURLToPath(new URL("../../src/", import.meta.url));
    const result = await build({
      stdin: {
        contents: `import { serve } from ${JSON.stringify(`${src}adapters/node.ts`)};
          import { job, routes } from ${JSON.stringify(`${src}index.ts`)};
          serve(routes({ "GET /up": job({}, () => ({ body: "up" })) }), { port: 0, host: "127.0.0.1", docs: true });`,
        resolveDir: dir,
        loader: "ts",
      },
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      logLevel: "silent",
    });
    await writeFile(join(dir, "server.mjs"), result.outputFiles[0]!.text);
    const child = spawn(process.execPath, [join(dir, "server.mjs")], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
    try {
      let logged: () => void = () => {};
      const failureLogged = new Promise<void>((resolve) => (logged = resolve));
      const url = await new Promise<string>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`the bundle exited with ${code}`)));
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          for (const line of chunk.split("\n").filter(Boolean)) {
            const entry = JSON.parse(line) as Record<string, unknown>;
            if (entry.severity === "ERROR" && entry.message === "the API docs could not be loaded") logged();
            if (typeof entry.port === "number") resolve(`http://127.0.0.1:${entry.port}`);
          }
        });
      });
      const docs = await fetch(`${url}/docs`);
      expect(docs.status).toBe(500);
      expect(docs.headers.get("content-type")).toBe("application/problem+json");
      expect(await docs.json()).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "The API docs could not be loaded" });
      expect(await (await fetch(`${url}/up`)).text()).toBe("up");
      await failureLogged;
    } finally {
      child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
