// The docs page as a reader sees it: the users example served with docs, opened in headless
// Chromium (Debian's, installed by scripts/test-setup.sh), its operations rendered by
// Swagger UI from assets this server serves. The screenshot goes to test/.out/docs.png.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry } from "jobwrap";
import { serve, type Served } from "jobwrap/node";
import { api, User, UserName } from "../../examples/users/index.js";
import { leftOut } from "../support/system.js";

const out = fileURLToPath(new URL("../.out/", import.meta.url));

describe.skipIf(leftOut("browser"))("/docs in headless Chromium", () => {
  let served: Served;
  let base: string;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    served = serve(api, {
      port: 0,
      host: "127.0.0.1",
      signals: [],
      log: false,
      docs: { info: { title: "users", version: "1.0.0" }, schemas: { User, UserName } },
    });
    base = (await served.ready).url;
    profile = await mkdtemp(join(tmpdir(), "jobwrap-chromium-"));
    // launchPersistentContext is how a user-data-dir is given; a fresh one per run.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim(),
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1200, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await served?.drain();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it("renders POST /user and GET /user/{name}, with nothing fetched from elsewhere", async () => {
    const page = await context.newPage();
    const requested: string[] = [];
    const failed: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("requestfailed", (request) => failed.push(request.url()));
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    const response = await page.goto(`${base}/docs`);
    expect(response?.status()).toBe(200);
    const post = page.locator(".opblock-post", { has: page.locator('[data-path="/user"]') });
    const get = page.locator(".opblock-get", { has: page.locator('[data-path="/user/{name}"]') });
    await post.waitFor();
    await get.waitFor();
    expect(await post.locator(".opblock-summary-method").innerText()).toBe("POST");
    expect(await post.locator(".opblock-summary-path").innerText()).toBe("/user");
    expect(await get.locator(".opblock-summary-path").innerText()).toBe("/user/{name}");
    expect(await page.locator(".info .title").innerText()).toContain("users");

    // Open GET /user/{name}: the parameter and the declared responses are shown.
    await get.locator(".opblock-summary").click();
    await get.locator(".parameters").waitFor();
    expect(await get.locator(".parameter__name").first().innerText()).toContain("name");
    expect(await get.locator(".responses-table").innerText()).toMatch(/404[\s\S]*405/);

    await mkdir(out, { recursive: true });
    await page.screenshot({ path: join(out, "docs.png"), fullPage: true });

    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    expect(requested.every((url) => url.startsWith(base))).toBe(true);
    expect(requested).toContain(`${base}/openapi.json`);
  });

  it("calls the users service on another origin through CORS: authorizes with the bearer token and uploads an avatar", async () => {
    const saved = { token: process.env.USERS_TOKEN, origin: process.env.USERS_WEB_ORIGIN };
    const logs: LogEntry[] = [];
    // The service is one server; the docs page, with the service as its OpenAPI server, another origin.
    const service = serve(api, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry) });
    const serviceUrl = (await service.ready).url.replace("127.0.0.1", "localhost");
    const docs = serve(api, {
      port: 0,
      host: "127.0.0.1",
      signals: [],
      log: false,
      docs: { info: { title: "users", version: "1.0.0" }, servers: [{ url: serviceUrl }] },
    });
    const docsUrl = (await docs.ready).url;
    process.env.USERS_TOKEN = "browser-token";
    process.env.USERS_WEB_ORIGIN = new URL(docsUrl).origin;
    try {
      const created = await fetch(`${serviceUrl}/user`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"Pixel"}' });
      expect(created.status).toBe(201);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(`${docsUrl}/docs`);

      await page.locator(".btn.authorize").first().click();
      await page.locator(".auth-container input").first().fill("browser-token");
      await page.locator(".auth-btn-wrapper .authorize").first().click();
      await page.locator(".auth-btn-wrapper .btn-done").first().click();

      const put = page.locator(".opblock-put", { hasText: "/user/{name}/avatar" });
      await put.locator(".opblock-summary").click();
      await put.locator(".try-out__btn").click();
      await put.locator('input[placeholder="name"]').fill("Pixel");
      await put.locator('input[type="file"]').setInputFiles({ name: "pixel.png", mimeType: "image/png", buffer: png });
      await put.locator(".execute").click();
      const status = put.locator(".live-responses-table tbody .response-col_status").first();
      await status.waitFor();
      expect((await status.innerText()).trim()).toBe("204");

      // The browser asked first (a preflight, answered by the service from its CORS), then sent the upload.
      const lines = logs.filter((entry) => typeof entry.status === "number").map((entry) => entry.message);
      expect(lines).toContain("OPTIONS /user/Pixel/avatar 204");
      expect(lines).toContain("PUT /user/Pixel/avatar 204");
      const avatar = await fetch(`${serviceUrl}/user/Pixel/avatar`, { headers: { authorization: "Bearer browser-token" } });
      expect(avatar.headers.get("content-type")).toBe("image/png");
      expect(Buffer.from(await avatar.arrayBuffer()).equals(png)).toBe(true);
      await page.screenshot({ path: join(out, "docs-upload.png"), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      for (const [name, value] of [["USERS_TOKEN", saved.token], ["USERS_WEB_ORIGIN", saved.origin]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await Promise.all([service.drain(), docs.drain()]);
    }
  });
});

/** A 1×1 PNG. */
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
