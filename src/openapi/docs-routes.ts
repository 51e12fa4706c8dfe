/**
 * What `serve(app, { docs: true })` answers besides the app: the OpenAPI document and a
 * Swagger UI page. Small on purpose: the adapter imports this file only, and the generator
 * and the page's assets are loaded on the first docs request, so a server without docs (and
 * every bundle) carries none of it.
 */
import { HttpError } from "../core/http-error.js";
import { problemToOutgoing } from "../core/problems.js";
import { consoleSink } from "../core/log.js";
import type { App } from "../core/routes.js";
import type { LogSink, Outgoing } from "../core/types.js";
import type { DocsPages } from "./docs.js";
import type { OpenApiOptions } from "./index.js";

export interface DocsOptions extends OpenApiOptions {
  /** The page; its assets are served under it (`/docs/swagger-ui.css`). Default `/docs`. */
  path?: string;
  /** The OpenAPI document. Default `/openapi.json`. */
  specPath?: string;
}

export interface DocsRoutes {
  /** Every path the docs answer, for the adapter to check against the app's own routes. */
  readonly paths: ReadonlySet<string>;
  /** The answer for one of `paths`. Never rejects: a failure to load answers a 500 problem. */
  answer(path: string): Promise<Outgoing>;
}

/** The Swagger UI files the page loads, from the `swagger-ui-dist` package. */
export const docsAssets = ["swagger-ui.css", "swagger-ui-bundle.js", "init.js"] as const;

export interface DocsLayout {
  page: string;
  spec: string;
  /** Asset file name → the path it is served at. */
  assets: Record<(typeof docsAssets)[number], string>;
}

export function docsLayout(options: DocsOptions): DocsLayout {
  const page = options.path ?? "/docs";
  const assets = Object.fromEntries(docsAssets.map((name) => [name, `${page}/${name}`])) as DocsLayout["assets"];
  return { page, spec: options.specPath ?? "/openapi.json", assets };
}

/** What the docs take from the server's own options. */
export interface ServerSettings {
  /** The server's timeout, so the document lists the 504 it may answer. */
  timeout?: number | undefined;
  /** Where a failure to load the docs is logged (a missing package, say). */
  log?: LogSink | false | undefined;
}

// A specifier bundlers leave alone: a server bundled into one file carries none of the generator
// or its dependencies, and answers the docs paths with a logged 500 (no swagger-ui-dist beside
// a bundle anyway). Unbundled, as installed from npm or run by tsx, the docs load.
const docsModule = "./docs.js";

export function docsRoutes(app: App, settings: true | DocsOptions, server: ServerSettings = {}): DocsRoutes {
  const options: DocsOptions = { timeout: server.timeout, ...(settings === true ? {} : settings) };
  const layout = docsLayout(options);
  const log = (entry: Parameters<LogSink>[0]) => server.log !== false && (server.log ?? consoleSink)(entry);
  let pages: Promise<DocsPages> | undefined;
  return {
    paths: new Set([layout.page, `${layout.page}/`, layout.spec, ...Object.values(layout.assets)]),
    answer: async (path) => {
      try {
        pages ??= (import(/* @vite-ignore */ docsModule) as Promise<typeof import("./docs.js")>)
          .then((docs) => docs.docsPages(app, options, layout))
          .then((loaded) => {
            if (!loaded.page) log({ severity: "WARNING", message: `the docs page ${layout.page} needs swagger-ui-dist (npm install swagger-ui-dist); ${layout.spec} is served without it` });
            return loaded;
          });
        return (await pages).answer(path) ?? unavailable("The API docs page is not installed on this server");
      } catch (error) {
        pages = undefined;
        log({ severity: "ERROR", message: "the API docs could not be loaded", error });
        return unavailable("The API docs could not be loaded");
      }
    },
  };
}

/** Answered outside core's pipeline, so without a request id. */
function unavailable(detail: string): Outgoing {
  return problemToOutgoing(new HttpError(500, detail));
}
