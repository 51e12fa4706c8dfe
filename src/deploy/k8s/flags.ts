import { parseArgs } from "node:util";
import { defaultDrainTimeoutMs, defaultPort } from "../../adapters/node-settings.js";
import { resolveOptions, InvalidK8sInput, type K8sInput, type K8sOptions } from "./options.js";

/** Each flag of `jobwrap k8s`, the option it sets, and its help line. */
const flags = {
  name: { key: "name", kind: "string", help: "app name: Deployment, Service, container, `app` label (default: the entry's folder)" },
  image: { key: "image", kind: "string", help: "image repository without tag, e.g. ghcr.io/acme/users (default: the name)" },
  tag: { key: "tag", kind: "string", help: "image tag: the git commit SHA the image is built from (default: git rev-parse HEAD)" },
  replicas: { key: "replicas", kind: "integer", help: "pods, at least 2 (default 2)" },
  "cpu-request": { key: "cpuRequest", kind: "string", help: "cpu request (default 100m)" },
  "cpu-limit": { key: "cpuLimit", kind: "string", help: "cpu limit (default 1)" },
  "memory-request": { key: "memoryRequest", kind: "string", help: "memory request (default 128Mi)" },
  "memory-limit": { key: "memoryLimit", kind: "string", help: "memory limit (default 256Mi)" },
  port: { key: "port", kind: "integer", help: `container port, the server's PORT (default ${defaultPort})` },
  "drain-timeout-ms": { key: "drainTimeoutMs", kind: "integer", help: `most ms the drain waits for in-flight requests (default ${defaultDrainTimeoutMs})` },
  "drain-delay-ms": { key: "drainDelayMs", kind: "integer", help: "ms after SIGTERM still serving, telling keep-alive clients to reconnect (default 2000)" },
  "prestop-seconds": { key: "preStopSeconds", kind: "integer", help: "pause before SIGTERM while endpoints forget the pod (default 5)" },
  "grace-period": { key: "gracePeriodSeconds", kind: "integer", help: "seconds before SIGKILL (default: preStop + drain delay + drain timeout + 5)" },
  "service-type": { key: "serviceType", kind: "string", help: "LoadBalancer (default), ClusterIP or NodePort" },
  https: { key: "https", kind: "boolean", help: "also expose port 443 to the container's plain-HTTP port: end TLS before it (your cloud's Service annotation, or an Ingress)" },
  hpa: { key: "hpa", kind: "hpa", help: "HorizontalPodAutoscaler MIN/MAX/CPU%, e.g. 2/10/70" },
  "node-image": { key: "nodeImage", kind: "string", help: "runtime base image, a build argument (default node:22-slim)" },
  "database-secret": { key: "databaseSecret", kind: "string", help: "SECRET[/KEY]: DATABASE_URL from that Secret's key (default key DATABASE_URL)" },
} as const;

interface K8sCommandLine {
  /** `tag` is absent when not given: the command then asks git. */
  input: Omit<K8sInput, "tag"> & { tag?: string };
  out: string;
}

export function usage(): string {
  const lines = Object.entries(flags).map(([flag, { help }]) => `  --${flag.padEnd(17)} ${help}`);
  return ["usage: jobwrap k8s <entry> [options] [--out <folder>]", "", ...lines, `  --${"out".padEnd(17)} folder to write to (default: deploy/k8s)`].join("\n");
}

/** Reads `<entry> --flag value …`; throws InvalidK8sInput naming each bad flag. */
export function parseK8sArgs(args: string[]): K8sCommandLine {
  const spec = Object.fromEntries([
    ...Object.entries(flags).map(([flag, { kind }]) => [flag, { type: kind === "boolean" ? "boolean" : "string" }] as const),
    ["out", { type: "string" }] as const,
  ]);
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InvalidK8sInput([(error as Error).message]);
  }
  const { values, positionals } = parsed;
  const problems: string[] = [];
  if (positionals.length !== 1) problems.push("give exactly one entry module, e.g. jobwrap k8s examples/node/main.ts");
  const input: Record<string, unknown> = { entry: positionals[0] ?? "" };
  for (const [flag, { key, kind }] of Object.entries(flags)) {
    const value = values[flag];
    if (value === undefined) continue;
    if (kind === "boolean" || kind === "string") input[key] = value;
    else if (kind === "integer") {
      if (/^-?\d+$/.test(String(value))) input[key] = Number(value);
      else problems.push(`--${flag} ${JSON.stringify(value)} is not an integer`);
    } else {
      const match = /^(\d+)\/(\d+)\/(\d+)%?$/.exec(String(value));
      if (match) input[key] = { min: Number(match[1]), max: Number(match[2]), cpuPercent: Number(match[3]) };
      else problems.push(`--hpa ${JSON.stringify(value)} is not MIN/MAX/CPU%, e.g. 2/10/70`);
    }
  }
  if (problems.length > 0) throw new InvalidK8sInput(problems);
  return { input: input as K8sCommandLine["input"], out: String(values.out ?? "deploy/k8s") };
}

/** The flags that make these options again, the defaults left out: for generated files' headers and CI. */
export function argsOf(o: K8sOptions, except: (keyof K8sOptions)[] = []): string[] {
  const defaults = {
    ...resolveOptions({ entry: o.entry, tag: o.tag }),
    // The tag has no default but git's, which the flags must name.
    tag: "",
    // The default grace period follows the pause and drain chosen.
    gracePeriodSeconds: resolveOptions({ ...o, gracePeriodSeconds: undefined }).gracePeriodSeconds,
  };
  const args = [o.entry];
  for (const [flag, { key, kind }] of Object.entries(flags)) {
    const value = o[key];
    if (except.includes(key) || value === undefined || value === defaults[key]) continue;
    if (kind === "boolean") args.push(`--${flag}`);
    else if (kind === "hpa") args.push(`--${flag}`, `${o.hpa!.min}/${o.hpa!.max}/${o.hpa!.cpuPercent}`);
    else args.push(`--${flag}`, String(value));
  }
  return args;
}
