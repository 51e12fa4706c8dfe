import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = fileURLToPath(new URL("../..", import.meta.url));
const example = join(root, "examples/workers");
const wrangler = join(root, "node_modules/wrangler/bin/wrangler.js");

/** Runs wrangler in the example's folder, offline, as its README does. */
async function runWrangler(...args: string[]): Promise<void> {
  await promisify(execFile)(process.execPath, [wrangler, ...args], {
    cwd: example,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
}

/** What `npx wrangler deploy --dry-run --outdir` builds from the example, offline. */
async function buildExample(outdir: string): Promise<void> {
  await runWrangler("deploy", "--dry-run", "--outdir", outdir);
}

describe("examples/workers: the users service, built by wrangler, on KV in workerd", () => {
  let outdir: string;
  let code: string;
  let sources: string[];
  let mf: Miniflare;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), "jobwrap-workers-"));
    await buildExample(outdir);
    code = await readFile(join(outdir, "index.js"), "utf8");
    sources = (JSON.parse(await readFile(join(outdir, "index.js.map"), "utf8")) as { sources: string[] }).sources;
    // The example's own bindings and dates, as wrangler reads them from its config.
    const { workerOptions } = unstable_getMiniflareWorkerOptions(join(example, "wrangler.jsonc"));
    // The rules are for wrangler's own bundling; the module here is already built.
    const { modulesRules: _built, ...config } = workerOptions as typeof workerOptions & { modulesRules?: unknown };
    mf = new Miniflare({
      ...config,
      // The secret `wrangler secret put USERS_TOKEN` would set.
      bindings: { ...(config as { bindings?: Record<string, unknown> }).bindings, USERS_TOKEN: "kv-token" },
      modules: [{ type: "ESModule", path: join(outdir, "index.js") }],
      modulesRoot: outdir,
      // The access log lines are the contract test's to check; here they would be noise.
      handleRuntimeStdio(stdout, stderr) {
        stdout.resume();
        stderr.pipe(process.stderr);
      },
    });
    await mf.ready;
  });
  afterAll(async () => {
    await mf?.dispose();
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it("bundles everything: the worker imports nothing, of node: or anything else", () => {
    expect(code).not.toMatch(/\bfrom\s*["'][^"'.]/);
    expect(code).not.toMatch(/\bimport\s*\(?\s*["']/);
    expect(code).not.toMatch(/\brequire\s*\(/);
    // A node: module named anywhere, as a string (an object's `node:` key is no import).
    expect(code).not.toMatch(/["'`]node:/);
  });

  it("holds core, the Workers adapter, the users jobs, hono's router and cookie utility, valibot and the multipart parser, nothing else", () => {
    const files = sources.map((source) => join(outdir, source));
    const forbidden = /src\/adapters\/(?!workers\.ts)|src\/cli\/|src\/deploy\/|@aws-sdk|functions-framework|aws-lambda|node_modules\/(?!hono\/|valibot\/|@remix-run\/(multipart-parser|headers)\/)/;
    expect(files.filter((file) => forbidden.test(file))).toEqual([]);
    expect(files.some((file) => file.endsWith("src/adapters/workers.ts"))).toBe(true);
    expect(files.some((file) => file.endsWith("src/core/handle.ts"))).toBe(true);
    expect(files.some((file) => file.endsWith("examples/users/index.ts"))).toBe(true);
  });

  it("writes a user in one request and reads it back in the next, through KV", async () => {
    const created = await mf.dispatchFetch("http://localhost/user", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name":"Carol"}',
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ name: "Carol" });

    const read = await mf.dispatchFetch("http://localhost/user/Carol");
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ name: "Carol" });

    const again = await mf.dispatchFetch("http://localhost/user", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"name":"Carol"}',
    });
    expect(again.status).toBe(409);
    await again.arrayBuffer();
  });

  it("keeps users in the USERS namespace: what the worker wrote is in KV, what KV holds the worker reads", async () => {
    const kv = await mf.getKVNamespace("USERS");
    expect(await kv.get("user:Carol")).toBe('{"name":"Carol"}');

    await kv.put("user:Dave", '{"name":"Dave"}');
    const read = await mf.dispatchFetch("http://localhost/user/Dave");
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ name: "Dave" });
  });

  it("keeps an avatar uploaded as multipart in KV, behind the token, and answers CORS for USERS_WEB_ORIGIN from wrangler.jsonc", async () => {
    const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
    const form = new FormData();
    form.append("avatar", new File([png], "carol.png", { type: "image/png" }));
    // Encoded by Node's fetch: Miniflare's own undici does not take Node's FormData.
    const encoded = new Response(form);
    const body = new Uint8Array(await encoded.arrayBuffer());
    const multipartType = { "content-type": encoded.headers.get("content-type")! };
    const refused = await mf.dispatchFetch("http://localhost/user/Carol/avatar", { method: "PUT", body, headers: multipartType });
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();
    const put = await mf.dispatchFetch("http://localhost/user/Carol/avatar", { method: "PUT", body, headers: { ...multipartType, authorization: "Bearer kv-token" } });
    expect(put.status).toBe(204);

    const kv = await mf.getKVNamespace("USERS");
    expect(JSON.parse((await kv.get("avatar:Carol"))!)).toMatchObject({ type: "image/png" });
    const got = await mf.dispatchFetch("http://localhost/user/Carol/avatar", { headers: { authorization: "Bearer kv-token", origin: "http://localhost:5173" } });
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("image/png");
    expect(got.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect([...new Uint8Array(await got.arrayBuffer())]).toEqual([...png]);
  });
});

describe("examples/workers --env d1: the users service on D1, its table made by wrangler's migration, in workerd", () => {
  let folder: string;
  let mf: Miniflare;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "jobwrap-d1-"));
    const persist = join(folder, "state");
    // As the README says: the migration applied by wrangler to the local database, then the worker on it.
    await Promise.all([
      runWrangler("d1", "migrations", "apply", "DB", "--local", "--env", "d1", "--persist-to", persist),
      runWrangler("deploy", "--dry-run", "--env", "d1", "--outdir", join(folder, "out")),
    ]);
    const { workerOptions } = unstable_getMiniflareWorkerOptions(join(example, "wrangler.jsonc"), "d1");
    const { modulesRules: _built, ...config } = workerOptions as typeof workerOptions & { modulesRules?: unknown };
    mf = new Miniflare({
      ...config,
      modules: [{ type: "ESModule", path: join(folder, "out", "index.js") }],
      modulesRoot: join(folder, "out"),
      d1Persist: join(persist, "v3", "d1"),
      handleRuntimeStdio(stdout, stderr) {
        stdout.resume();
        stderr.pipe(process.stderr);
      },
    });
    await mf.ready;
  }, 120_000);
  afterAll(async () => {
    await mf?.dispose();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const post = (name: string) =>
    mf.dispatchFetch("http://localhost/user", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });

  it("creates, reads back and refuses a taken name (409 from the primary key) through D1", async () => {
    const created = await post("Erin");
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ name: "Erin" });
    const read = await mf.dispatchFetch("http://localhost/user/Erin");
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ name: "Erin" });
    const again = await post("Erin");
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ title: "Conflict", detail: "a user named Erin exists already" });
    const missing = await mf.dispatchFetch("http://localhost/user/Nobody");
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it("keeps users as rows of the migrated table, and reads rows written there", async () => {
    const db = await mf.getD1Database("DB");
    expect(await db.prepare("select name from users where name = ?").bind("Erin").first()).toEqual({ name: "Erin" });
    await db.prepare("insert into users (name) values (?)").bind("Frank").run();
    const read = await mf.dispatchFetch("http://localhost/user/Frank");
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ name: "Frank" });
  });
});
