// What every `jobwrap deploy lambda` test file sets up: two real deployment zips in a temporary
// folder, only fake credentials and no look-ups outside this machine, a fresh loopback control plane
// per test, and the command run against it with its polls and retries sped up.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { runDeploy } from "../../src/cli/commands/deploy.js";
import { ControlPlane } from "./control-plane.js";

export const keyId = "AKIAJOBWRAPTESTKEY01";
export const secret = "jobwrap/test/secret/key/not/a/real/one/000";
export const region = "eu-west-1";
export const role = "arn:aws:iam::123456789012:role/jobwrap-users";
/** The function's and its URL configuration's paths on the control plane. */
export const F = "/2015-03-31/functions/users";
export const U = "/2021-10-31/functions/users";

/** A real deployment zip of a one-file handler; fixed mtime, so the same source is the same zip. */
export function handlerZip(reply: string): Uint8Array {
  const source = `export const handler = async () => ({ statusCode: 200, body: ${JSON.stringify(reply)} });\n`;
  return zipSync({ "index.mjs": [strToU8(source), { mtime: new Date("2026-01-01T00:00:00Z") }] });
}

/** The temporary folder (v1.zip, v2.zip) and the control plane of the test running. */
export let dir: string;
export let plane: ControlPlane;

/** Registers the set-up above in the calling test file. */
export function useControlPlane(prefix: string): void {
  const saved = { ...process.env };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    await writeFile(join(dir, "v1.zip"), handlerZip("v1"));
    await writeFile(join(dir, "v2.zip"), handlerZip("v2"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    // Only these credentials, and no look-ups outside this machine (the instance metadata service).
    for (const key of Object.keys(process.env)) if (key.startsWith("AWS_")) delete process.env[key];
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: keyId,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: join(dir, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
    });
    plane = new ControlPlane();
    await plane.start();
  });
  afterEach(async () => {
    await plane.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
}

/** `jobwrap deploy lambda --name users …` against the control plane: exit code, out's and err's lines. */
export async function deploy(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDeploy(["lambda", "--name", "users", "--region", region, "--endpoint", plane.endpoint, ...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    pacing: { pollSeconds: 0.01, conflictDelayMs: 5 },
  });
  return { code, out, err };
}

/** `--zip` of one of the two zips. */
export const zip = (name: "v1" | "v2") => ["--zip", join(dir, `${name}.zip`)];
