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

/** Swagger UI's two files, or undefined where the optional `swagger-ui-dist` is not installed. */
async function swaggerUi(): Promise<{ css: Buffer; bundle: Buffer } | undefined> {
  let dist: string;
  try {
    dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  } catch {
    return undefined;
  }
  const [css, bundle] = await Promise.all([readFile(join(dist, "swagger-ui.css")), readFile(join(dist, "swagger-ui-bundle.js"))]);
  return { css, bundle };
}

/** What the docs answer once loaded; `page` is undefined when Swagger UI is not installed. */
export interface DocsPages {
  answer(path: string): Outgoing | undefined;
  page: boolean;
}

/**
 * The docs' answers, made once: the document of `app`, and the page with Swagger UI's files read
 * from the installed `swagger-ui-dist` (served by this server: no CDN). Without that package the
 * document is still answered; the page paths are not.
 */
export async function docsPages(app: App, options: DocsOptions, layout: DocsLayout): Promise<DocsPages> {
  const { path: _page, specPath: _spec, ...documentOptions } = options;
  const answers = new Map<string, Outgoing>([[layout.spec, ok("application/json", JSON.stringify(openapi(app, documentOptions)))]]);
  const ui = await swaggerUi();
  if (ui) {
    const html = ok("text/html; charset=utf-8", page(options.info?.title ?? "API", layout));
    answers.set(layout.page, html).set(`${layout.page}/`, html);
    answers.set(layout.assets["swagger-ui.css"], ok("text/css; charset=utf-8", new Uint8Array(ui.css)));
    answers.set(layout.assets["swagger-ui-bundle.js"], ok("text/javascript; charset=utf-8", new Uint8Array(ui.bundle)));
    answers.set(layout.assets["init.js"], ok("text/javascript; charset=utf-8", init(layout)));
  }
  return {
    page: ui !== undefined,
    // Each request gets its own header list: the adapter may append to it.
    answer: (path) => {
      const found = answers.get(path);
      return found && { ...found, headers: found.headers.map(([name, value]) => [name, value]) };
    },
  };
}
