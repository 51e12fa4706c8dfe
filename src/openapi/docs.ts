import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { App } from "../core/routes.js";
import type { Outgoing } from "../core/types.js";
import type { DocsLayout, DocsOptions } from "./docs-routes.js";
import { openapi } from "./index.js";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, layout: DocsLayout): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(layout.assets["swagger-ui.css"])}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${escapeHtml(layout.assets["swagger-ui-bundle.js"])}"></script>
<script src="${escapeHtml(layout.assets["init.js"])}"></script>
</body>
</html>
`;
}

// A file, not an inline script: the page then works under a `script-src 'self'` policy.
function init(layout: DocsLayout): string {
  return `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(layout.spec)}, dom_id: "#swagger-ui", deepLinking: true });\n`;
}

function ok(type: string, body: string | Uint8Array): Outgoing {
  return { status: 200, headers: [["content-type", type], ["cache-control", "no-cache"]], body };
}

/**
 * The docs' answers, made once: the document of `app`, the page, and Swagger UI's files read
 * from the installed `swagger-ui-dist` (served by this server: no CDN).
 */
export async function docsPages(app: App, options: DocsOptions, layout: DocsLayout): Promise<(path: string) => Outgoing> {
  const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const [css, bundle] = await Promise.all([readFile(join(dist, "swagger-ui.css")), readFile(join(dist, "swagger-ui-bundle.js"))]);
  const { path: _page, specPath: _spec, ...documentOptions } = options;
  const document = JSON.stringify(openapi(app, documentOptions));
  const title = options.info?.title ?? "API";
  const answers = new Map<string, Outgoing>([
    [layout.page, ok("text/html; charset=utf-8", page(title, layout))],
    [layout.spec, ok("application/json", document)],
    [layout.assets["swagger-ui.css"], ok("text/css; charset=utf-8", new Uint8Array(css))],
    [layout.assets["swagger-ui-bundle.js"], ok("text/javascript; charset=utf-8", new Uint8Array(bundle))],
    [layout.assets["init.js"], ok("text/javascript; charset=utf-8", init(layout))],
  ]);
  // Each request gets its own header list: the adapter may append to it.
  return (path) => {
    const found = answers.get(path)!;
    return { ...found, headers: found.headers.map(([name, value]) => [name, value]) };
  };
}
