// What serve(app, { docs }) answers at each docs path, in this process: the page (its title
// escaped), the script that starts Swagger UI, Swagger UI's own files byte for byte, the
// document, each with its media type and `cache-control: no-cache`. Each test starts its own
// server: the docs are made on a server's first docs request.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { describe, expect, it, vi } from "vitest";
import { cors, job, routes, secured, type LogEntry } from "jobwrap";
import { serve, type ServeOptions } from "jobwrap/node";
import { openapi } from "jobwrap/openapi";

const app = routes({ "GET /item/:id": job({ params: v.object({ id: v.string() }) }, ({ params }) => ({ body: params.id })) });

async function withDocs(docs: ServeOptions["docs"], run: (url: string) => Promise<void>, options: Partial<ServeOptions> = {}): Promise<void> {
  const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, docs, ...options });
  try {
    await run((await served.ready).url);
  } finally {
    await served.drain();
  }
}

const swaggerFile = (name: string) => readFile(join(dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json")), name));

describe("the docs page", () => {
  it("is an HTML page titled by the document's title, escaped, loading its three assets from this server", async () => {
    await withDocs({ info: { title: `Tom & Jerry's <"API">` } }, async (url) => {
      const page = await fetch(`${url}/docs`);
      expect([page.status, page.headers.get("content-type"), page.headers.get("cache-control")]).toEqual([200, "text/html; charset=utf-8", "no-cache"]);
      expect(await page.text()).toBe(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tom &#38; Jerry&#39;s &#60;&#34;API&#34;&#62;</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`);
    });
  });

  it("is titled API without a title, and answered at the path given, with and without a trailing slash", async () => {
    await withDocs({ path: "/reference", specPath: "/reference/spec.json" }, async (url) => {
      for (const path of ["/reference", "/reference/"]) {
        const page = await fetch(url + path);
        expect([page.status, page.headers.get("content-type")], path).toEqual([200, "text/html; charset=utf-8"]);
        const html = await page.text();
        expect(html).toContain("<title>API</title>");
        expect([...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1])).toEqual([
          "/reference/swagger-ui.css",
          "/reference/swagger-ui-bundle.js",
          "/reference/init.js",
        ]);
      }
      expect((await fetch(`${url}/docs`)).status).toBe(404);
    });
  });

  it("starts Swagger UI from a script file (a `script-src 'self'` policy allows it) on the document's path", async () => {
    await withDocs({ specPath: "/api/openapi.json" }, async (url) => {
      const init = await fetch(`${url}/docs/init.js`);
      expect([init.status, init.headers.get("content-type"), init.headers.get("cache-control")]).toEqual([200, "text/javascript; charset=utf-8", "no-cache"]);
      expect(await init.text()).toBe('window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n');
    });
  });

  it("serves Swagger UI's stylesheet and bundle as installed, byte for byte", async () => {
    await withDocs(true, async (url) => {
      for (const [name, type] of [
        ["swagger-ui.css", "text/css; charset=utf-8"],
        ["swagger-ui-bundle.js", "text/javascript; charset=utf-8"],
      ] as const) {
        const answer = await fetch(`${url}/docs/${name}`);
        expect([answer.status, answer.headers.get("content-type"), answer.headers.get("cache-control")], name).toEqual([200, type, "no-cache"]);
        expect(Buffer.from(await answer.arrayBuffer()).equals(await swaggerFile(name)), name).toBe(true);
      }
    });
  });
});

describe("the docs' document", () => {
  it("is the app's OpenAPI document with the docs' options (info, servers, the server's timeout), as JSON", async () => {
    const docs = { path: "/reference", specPath: "/spec.json", info: { title: "Items", version: "2.0.0" }, servers: [{ url: "https://api.example.test" }] };
    await withDocs(
      docs,
      async (url) => {
        const answer = await fetch(`${url}/spec.json`);
        expect([answer.status, answer.headers.get("content-type"), answer.headers.get("cache-control")]).toEqual([200, "application/json", "no-cache"]);
        expect(await answer.json()).toEqual(openapi(app, { info: docs.info, servers: docs.servers, timeout: 1500 }));
      },
      { timeout: 1500 },
    );
  });

  it("gives each answer its own headers: CORS for one request's origin is not on the next one's", async () => {
    const [first, second] = ["https://one.example.test", "https://two.example.test"];
    await withDocs(
      true,
      async (url) => {
        for (const path of ["/openapi.json", "/docs", "/docs/init.js"]) {
          for (const origin of [first, second, first]) {
            const answer = await fetch(url + path, { headers: { origin } });
            expect(answer.headers.get("access-control-allow-origin"), `${path} from ${origin}`).toBe(origin);
            expect(answer.headers.get("vary"), path).toBe("Origin");
            expect(answer.headers.get("cache-control"), path).toBe("no-cache");
          }
        }
      },
      { cors: cors({ origin: [first, second] }) },
    );
  });
});

describe("docs that cannot be made", () => {
  // Two jobs name different schemes "token": the document cannot say both.
  const clash = routes({
    "GET /a": job({ token: secured(async () => "a", { type: "http", scheme: "bearer" }) }, () => ({})),
    "GET /b": job({ token: secured(async () => "b", { type: "apiKey", in: "header", name: "x-key" }) }, () => ({})),
  });

  it("answer a 500 problem at each docs path, log an ERROR each time (tried again on the next request), and leave the app serving", async () => {
    const logs: LogEntry[] = [];
    const served = serve(clash, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry), docs: true });
    try {
      const { url } = await served.ready;
      for (const path of ["/openapi.json", "/docs"]) {
        const answer = await fetch(url + path);
        expect([answer.status, answer.headers.get("content-type")], path).toEqual([500, "application/problem+json"]);
        expect(await answer.json(), path).toEqual({ type: "about:blank", title: "Internal Server Error", status: 500, detail: "The API docs could not be loaded" });
      }
      const failures = logs.filter((entry) => entry.message === "the API docs could not be loaded");
      expect(failures.map((entry) => [entry.severity, String(entry.error)])).toEqual([
        ["ERROR", 'TypeError: two security schemes are named "token"'],
        ["ERROR", 'TypeError: two security schemes are named "token"'],
      ]);
      expect(logs.filter((entry) => entry.severity === "WARNING")).toEqual([]);
      expect((await fetch(`${url}/a`)).status).toBe(204);
    } finally {
      await served.drain();
    }
  });

  it("log nothing with log: false, and still answer the 500 problem", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const served = serve(clash, { port: 0, host: "127.0.0.1", signals: [], log: false, docs: true });
    try {
      const answer = await fetch(`${(await served.ready).url}/openapi.json`);
      expect(await answer.json()).toMatchObject({ status: 500, detail: "The API docs could not be loaded" });
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
      await served.drain();
    }
  });
});
