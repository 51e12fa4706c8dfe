import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { isJob, type Schema } from "../../core/job.js";
import type { App } from "../../core/routes.js";
import { openapi } from "../../openapi/index.js";
import type { Command, Io } from "../command.js";

/**
 * A function declaration, not a module constant: what a test runs is what it measures (issue 19);
 * an arrow function held in a constant is itself chosen once, at import.
 */
function usage(): string {
  return `usage: jobwrap openapi <module> [--export NAME] [--title T] [--version V] [--server URL] [--out FILE]

  <module>        a TypeScript or JavaScript module exporting the app (a route table or a job)
  --export NAME   the export to document (default: api)
  --title T       info.title (default: the module's file name)
  --version V     info.version (default 0.0.0)
  --server URL    a servers entry; repeat for several
  --out FILE      write the document there instead of printing it

Prints the OpenAPI 3.1 document (JSON) of the app. Every valibot schema the module exports
becomes a named component (\`export const User = v.object(...)\` → #/components/schemas/User).`;
}

export const command: Command = {
  run: (args, io) => runOpenApi(args, io),
};

/** Loads a module as Node would, TypeScript included (through tsx, honouring tsconfig paths). */
async function load(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(resolve(file)).href;
  if (!/\.[cm]?tsx?$/.test(file)) return import(url) as Promise<Record<string, unknown>>;
  const { tsImport } = await import("tsx/esm/api");
  return tsImport(url, import.meta.url) as Promise<Record<string, unknown>>;
}

function isApp(value: unknown): value is App {
  return isJob(value) || (typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "routes");
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "schema";
}

export async function runOpenApi(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        export: { type: "string", default: "api" },
        title: { type: "string" },
        version: { type: "string", default: "0.0.0" },
        server: { type: "string", multiple: true },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.err(`jobwrap openapi: ${(error as Error).message}\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(usage());
    return 0;
  }
  if (positionals.length !== 1) {
    io.err(positionals.length === 0 ? usage() : `jobwrap openapi: one module, not ${positionals.length}\n\n${usage()}`);
    return 2;
  }
  const file = positionals[0]!;
  const module = await load(file);
  const app = module[values.export];
  if (!isApp(app)) {
    io.err(`jobwrap openapi: ${file} has no export "${values.export}" that is a route table or a job (pass --export NAME)`);
    return 2;
  }
  const schemas = Object.fromEntries(Object.entries(module).filter(([, value]) => isSchema(value))) as Record<string, Schema>;
  const title = values.title ?? file.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");
  const doc = openapi(app, {
    info: { title: title === "index" ? (resolve(file).split(/[\\/]/).at(-2) ?? title) : title, version: values.version },
    schemas,
    ...(values.server ? { servers: values.server.map((url) => ({ url })) } : {}),
  });
  const json = JSON.stringify(doc, null, 2);
  if (values.out) await writeFile(values.out, `${json}\n`);
  else io.out(json);
  return 0;
}
