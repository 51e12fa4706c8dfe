// The Heroku example as Heroku runs it: the Procfile's web command, in a process of its own.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const heroku = fileURLToPath(new URL("../../examples/heroku/", import.meta.url));

function webCommand(): string {
  const line = readFileSync(`${heroku}Procfile`, "utf8").split("\n").find((l) => l.startsWith("web:"));
  if (!line) throw new Error("the Procfile has no web process");
  return line.slice(4).trim();
}

export interface Started {
  child: ChildProcess;
  output: string[];
  waitFor(text: string): Promise<void>;
}

/** The heroku example's Procfile web command in its own process group (signal it with `process.kill(-pid)`), once listening. */
export function startWeb(port: number, env: Record<string, string> = {}): Promise<Started> {
  // Heroku runs the command with bash, which execs a simple command: node gets the signal itself.
  const child = spawn("bash", ["-c", webCommand()], {
    cwd: heroku,
    env: { ...process.env, ...env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output.push(chunk.toString());
    const all = output.join("");
    for (const waiter of waiters.filter((w) => all.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const waitFor = (text: string) =>
    output.join("").includes(text) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ text, resolve }));
  return waitFor("listening on").then(() => ({ child, output, waitFor }));
}
