/** The function's code and settings: what the options ask for, and what differs from what Lambda holds. */
import { createHash } from "node:crypto";
import { Runtime, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { LambdaDeployOptions } from "./options.js";

/** The SDK's Node runtimes from nodejs22.x on: Node 20 is past its end of life. */
export function nodeRuntimes(): Runtime[] {
  return Object.values(Runtime).filter((runtime) => Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? 0) >= 22);
}

/** Lambda's `CodeSha256`: the base64 SHA-256 of the zip as uploaded, so equal means same code. */
export function codeSha256(zip: Uint8Array): string {
  return createHash("sha256").update(zip).digest("base64");
}

/** The settings UpdateFunctionConfiguration sets, as the options want them. */
export function desiredConfiguration(options: LambdaDeployOptions, current?: FunctionConfiguration) {
  return {
    FunctionName: options.name,
    Runtime: options.runtime,
    Handler: options.handler,
    MemorySize: options.memory,
    Timeout: options.timeout,
    Environment: { Variables: options.env },
    // Optional on update: the role stays as it is unless asked otherwise.
    Role: options.role ?? current?.Role,
  };
}

/** Which settings differ between the function (or a version of it) and the options; empty: none. */
export function configurationChanges(current: FunctionConfiguration, options: LambdaDeployOptions): string[] {
  const changes: string[] = [];
  if (current.Runtime !== options.runtime) changes.push("runtime");
  if (current.Handler !== options.handler) changes.push("handler");
  if (current.MemorySize !== options.memory) changes.push("memory");
  if (current.Timeout !== options.timeout) changes.push("timeout");
  if (options.role !== undefined && current.Role !== options.role) changes.push("role");
  if (!sameVariables(current.Environment?.Variables ?? {}, options.env)) changes.push("environment");
  return changes;
}

/** Code is the zip and the machine it runs on: UpdateFunctionCode sets both. */
export function codeChanges(current: FunctionConfiguration, sha256: string, options: LambdaDeployOptions): string[] {
  const changes: string[] = [];
  if (current.CodeSha256 !== sha256) changes.push("code");
  if ((current.Architectures?.[0] ?? "x86_64") !== options.architecture) changes.push("architecture");
  return changes;
}

function sameVariables(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}
