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
    const post = page.locator(".opblock-post", { hasText: "/user" });
    const get = page.locator(".opblock-get", { hasText: "/user/{name}" });
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
});
