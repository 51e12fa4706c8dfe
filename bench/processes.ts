import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

/** Whether `taskset` (util-linux) can pin processes to cores here. */
export const canPin = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

/** `node` with its arguments, pinned to `core` when taskset exists. */
export function nodeOn(core: number | undefined, args: string[]): [string, string[]] {
  return canPin && core !== undefined ? ["taskset", ["-c", String(core), process.execPath, ...args]] : [process.execPath, args];
}

const env = { ...process.env, NODE_ENV: "production" };

/** Runs a node program to its end and parses the last line it prints as JSON. */
export function runJson<T>(core: number | undefined, args: string[], extraEnv: Record<string, string> = {}): Promise<T> {
  const [command, argv] = nodeOn(core, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0) reject(new Error(`${args.join(" ")} exited ${code}: ${stderr.slice(-2000)}${last}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

export interface Running {
  url: string;
  /** CPU seconds (user + system) the server has used so far. */
  cpuSeconds(): number;
  /** Resident memory now, and its peak since the server started, in bytes. */
  memory(): { rss: number; peak: number };
  stop(): Promise<void>;
}

/** Clock ticks per second of /proc's CPU times: 100 on Linux unless told otherwise. */
const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** User + system CPU seconds of a process, from /proc (taskset execs node, so the pid is node's). */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticks;
}

/** VmRSS and VmHWM (the peak) of a process, from /proc. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rss: kib("VmRSS") * 1024, peak: kib("VmHWM") * 1024 };
}

/** Starts a server program and waits for its `listening <port>` line. */
export function startServer(core: number | undefined, program: string, port: number, extraEnv: Record<string, string> = {}): Promise<Running> {
  const [command, argv] = nodeOn(core, [program]);
  const child: ChildProcess = spawn(command, argv, {
    env: { ...env, ...extraEnv, BENCH_PORT: String(port) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${program} did not start listening within 15 s`));
    }, 15_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${program} exited ${code} before listening`));
    });
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line === `listening ${port}`) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${port}`, cpuSeconds: () => cpuSecondsOf(child.pid!), memory: () => memoryOf(child.pid!), stop });
      }
    });
  });
}
