#!/usr/bin/env node
/**
 * `jobwrap <command> …`: deploy-time tooling. Nothing under src/cli is imported by an
 * adapter, so none of it reaches a runtime bundle; each command is loaded only when run.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { consoleIo, type Command, type Io } from "./command.js";

interface Entry {
  /** One line for `jobwrap help`, known without loading the command and its tools. */
  summary: string;
  load(): Promise<Command>;
}

/** A function, not a module constant: what a test runs is what Stryker measures (issue 19). */
function commandTable(): Record<string, Entry> {
  return {
    build: {
      summary: "bundle a handler for a platform: `jobwrap build lambda <entry> [--out DIR]`",
      load: () => import("./commands/build.js").then((m) => m.command),
    },
    deploy: {
      summary: "deploy to a platform: `jobwrap deploy lambda <entry> --name <function>`",
      load: () => import("./commands/deploy.js").then((m) => m.command),
    },
    k8s: {
      summary: "write a Dockerfile, Kubernetes manifests and a CI workflow for a Node server entry",
      load: () => import("./commands/k8s.js").then((m) => m.command),
    },
    openapi: {
      summary: "print the OpenAPI 3.1 document of a module's `api`: `jobwrap openapi <module>`",
      load: () => import("./commands/openapi.js").then((m) => m.command),
    },
  };
}

/** A command's tools are optional peers of jobwrap: a missing one is named with how to add it. */
function reasonOf(error: unknown): string {
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String((error as Error | undefined)?.message))?.[1];
  if ((error as { code?: string } | undefined)?.code === "ERR_MODULE_NOT_FOUND" && missing && !/^[./]/.test(missing)) {
    const pkg = missing.startsWith("@") ? missing.split("/").slice(0, 2).join("/") : missing.split("/")[0]!;
    return `needs the package ${pkg}: npm install --save-dev ${pkg}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `jobwrap <argv…>`, writing to `io` (the console by default); resolves to the exit code. A
 * command's failure is one line on `err` and exit code 1. The bin below only calls this, so tests
 * run every command in process.
 */
export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
  const [name, ...args] = argv;
  const commands = commandTable();
  const entry = name !== undefined && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    const lines = Object.entries(commands).map(([key, { summary }]) => `  ${key.padEnd(10)} ${summary}`);
    const out = ["usage: jobwrap <command> [options]", "", "commands:", ...lines].join("\n");
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      io.out(out);
      return 0;
    }
    io.err(`jobwrap: unknown command ${JSON.stringify(name)}\n\n${out}`);
    return 2;
  }
  try {
    return await (await entry.load()).run(args, io);
  } catch (error) {
    io.err(`jobwrap ${name}: ${reasonOf(error)}`);
    return 1;
  }
}

// Run when this file is the program, also through npm's `node_modules/.bin/jobwrap` symlink.
const invoked = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invoked) main(process.argv.slice(2)).then((code) => (process.exitCode = code));
