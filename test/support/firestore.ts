/**
 * Google's Firestore emulator for one test file, started with `gcloud emulators firestore start`
 * on a free port and stopped with its whole process group. It comes with the Google Cloud SDK,
 * which is neither a Debian nor an npm package: where it is missing the suite is skipped, and
 * says so loudly (scripts/test-setup.sh says so before the run too).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./ports.js";

/** Why the emulator cannot run here, or undefined when it can. */
export function firestoreEmulatorMissing(): string | undefined {
  let root: string;
  try {
    root = execFileSync("gcloud", ["info", "--format=value(installation.sdk_root)"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "gcloud (the Google Cloud SDK) is not installed";
  }
  if (!existsSync(join(root, "platform", "cloud-firestore-emulator"))) return "gcloud's cloud-firestore-emulator component is not installed";
  return undefined;
}

/** True when the suite is skipped: the SDK cannot be installed from Debian or npm, so no flag can ask for it. */
export function firestoreLeftOut(): boolean {
  const missing = firestoreEmulatorMissing();
  if (!missing) return false;
  console.warn(`\n${"!".repeat(78)}\nthe firestore suite is LEFT OUT: ${missing} (Google's own package, not in Debian or on npm)\n${"!".repeat(78)}`);
  return true;
}

export interface FirestoreEmulator {
  /** host:port, for FIRESTORE_EMULATOR_HOST. */
  host: string;
  stop(): Promise<void>;
}

export async function startFirestoreEmulator(): Promise<FirestoreEmulator> {
  const host = `127.0.0.1:${await freePort()}`;
  const child: ChildProcess = spawn("gcloud", ["emulators", "firestore", "start", `--host-port=${host}`, "--quiet"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Dev App Server is now running")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the Firestore emulator exited with ${code}:\n${output}`)));
  });
  return {
    host,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      process.kill(-child.pid!, "SIGTERM");
      await exited;
      // gcloud is a wrapper: it may exit while the emulator's JVM (same process group) still
      // answers on the port. Stopped means the port refuses; the group is killed if it will not.
      if (await refusedWithin(host, 10_000)) return;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // the group is gone between the probe and the kill
      }
      if (!(await refusedWithin(host, 5_000))) throw new Error(`the Firestore emulator still answers on ${host}`);
    },
  };
}

/** Whether host:port refuses TCP connections within `ms`, probed every 50 ms. */
async function refusedWithin(host: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (await accepting(host)) {
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Whether something accepts TCP connections at host:port. */
function accepting(host: string): Promise<boolean> {
  const [address, port] = host.split(":") as [string, string];
  return new Promise((resolve) => {
    const socket = connect(Number(port), address);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
