/**
 * `jobwrap/openapi`: the OpenAPI 3.1 document of an app, from the schemas that already
 * validate its requests. Nothing is written twice: paths, parameters, bodies, declared
 * responses, and the problem+json errors core answers by itself.
 */
import type { Schema } from "../core/job.js";
import { parseRouteKey, type App } from "../core/routes.js";
import { schemaConverter, type JsonSchema } from "./json-schema.js";
import { operation, type OperationContext } from "./operation.js";
import { operationId, templatedPaths } from "./path.js";
import { problemName, problemResponse, problemSchema } from "./problems.js";

export type { JsonSchema } from "./json-schema.js";
export type { DocsOptions } from "./docs-routes.js";

export interface OpenApiOptions {
  info?: { title?: string; version?: string; description?: string };
  servers?: { url: string; description?: string }[];
  /**
   * Schemas to name in `components.schemas` and reference by `$ref` wherever they appear
   * (`{ User, UserName }`); the CLI passes every schema a module exports.
   */
  schemas?: Record<string, Schema>;
  /** The app's timeout (`serve(api, { timeout })`): every operation may then answer 504. */
  timeout?: number;
}

/** An OpenAPI 3.1 document, as plain JSON-ready data. */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description?: string };
  servers?: { url: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; responses: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

/** The OpenAPI 3.1 document of a route table, or of one job (documented as answering `/`). */
export function openapi(app: App, options: OpenApiOptions = {}): OpenApiDocument {
  // What `ALL /path` answers, as OpenAPI can list them (HEAD goes with GET). Made here, not once
  // for the module, so that the specs that check it run it (Stryker: no static mutant).
  const allMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  const convert = schemaConverter(options.schemas);
  const context: OperationContext = { convert, timeout: options.timeout, used: new Set(), securitySchemes: {} };
  const table = app.kind === "job" ? { "ALL /": app } : app.table;
  const paths: OpenApiDocument["paths"] = {};
  for (const [key, job] of Object.entries(table)) {
    const route = parseRouteKey(key);
    const methods = route.method === "ALL" ? allMethods : [route.method];
    for (const path of templatedPaths(route.path)) {
      const item = (paths[path.path] ??= {});
      for (const method of methods) {
        item[method.toLowerCase()] = operation(job, path, operationId(method, path.path), context);
      }
    }
  }
  const responses: Record<string, unknown> = {};
  for (const status of [...context.used].sort((a, b) => a - b)) responses[problemName(status)] = problemResponse(status);
  const doc: OpenApiDocument = {
    openapi: "3.1.0",
    info: { title: options.info?.title ?? "API", version: options.info?.version ?? "0.0.0" },
    paths,
    components: { schemas: { Problem: problemSchema(), ...convert.named() }, responses },
  };
  if (Object.keys(context.securitySchemes).length > 0) doc.components.securitySchemes = context.securitySchemes;
  if (options.info?.description) doc.info.description = options.info.description;
  if (options.servers) doc.servers = options.servers;
  return doc;
}
