#!/usr/bin/env node
/**
 * `jobwrap <command> …`: deploy-time tooling. Nothing under src/cli is imported by an
 * adapter, so none of it reaches a runtime bundle; each command is loaded only when run.
 */
export interface Command {
  /** One line for `jobwrap help`. */
  summary: string;
  /** Runs with the arguments after the command's name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  // Each entry: "name": () => import("./commands/name.js").then((m) => m.command),
  build: () => import("./commands/build.js").then((m) => m.command),
  deploy: () => import("./commands/deploy.js").then((m) => m.command),
  k8s: () => import("./commands/k8s.js").then((m) => m.command),
  openapi: () => import("./commands/openapi.js").then((m) => m.command),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const load = name === undefined ? undefined : commands[name];
  if (!load) {
    const lines = await Promise.all(
      Object.entries(commands).map(async ([key, get]) => `  ${key.padEnd(10)} ${(await get()).summary}`),
    );
    const out = ["usage: jobwrap <command> [options]", "", "commands:", ...lines].join("\n");
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      console.log(out);
      return 0;
    }
    console.error(`jobwrap: unknown command ${JSON.stringify(name)}\n\n${out}`);
    return 2;
  }
  return (await load()).run(args);
}

const invoked = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invoked) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(`jobwrap: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
