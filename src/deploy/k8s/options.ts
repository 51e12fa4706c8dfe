import { defaultDrainTimeoutMs, defaultPort } from "../../adapters/node-settings.js";
import { parseQuantity } from "./quantity.js";

const serviceTypes = ["LoadBalancer", "ClusterIP", "NodePort"] as const;
type ServiceType = (typeof serviceTypes)[number];

/** What a user may choose; every field has a default but the entry. */
export interface K8sInput {
  /** The server's entry module, relative to the project root (`examples/node/main.ts`). */
  entry: string;
  /** The app's name: Deployment, Service, container and `app` label. Default: the entry's folder. */
  name?: string;
  /** Image repository, without tag (`ghcr.io/acme/users`). Default: the name. */
  image?: string;
  /** Image tag: the git commit the image is built from. */
  tag: string;
  replicas?: number;
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
  /** Container port, passed to the server as `PORT`. */
  port?: number;
  /** Most milliseconds the server's drain waits for in-flight requests (`JOBWRAP_DRAIN_TIMEOUT_MS`). */
  drainTimeoutMs?: number;
  /**
   * Milliseconds the server keeps serving after SIGTERM, unready, answering with `connection: close`
   * so keep-alive clients reconnect to other pods (`JOBWRAP_DRAIN_DELAY_MS`).
   */
  drainDelayMs?: number;
  /** Seconds the pod keeps serving after it is marked for deletion, while endpoints forget it. */
  preStopSeconds?: number;
  /** Seconds Kubernetes waits before SIGKILL. Default: preStop + drain + 5 s of margin. */
  gracePeriodSeconds?: number;
  serviceType?: ServiceType;
  /** Adds port 443 on the Service to the container's plain-HTTP port; TLS must be ended before it. */
  https?: boolean;
  /** A HorizontalPodAutoscaler on CPU: `{ min, max, cpuPercent }`. */
  hpa?: { min: number; max: number; cpuPercent: number };
  /** Runtime base image, a Dockerfile build argument. */
  nodeImage?: string;
  /**
   * `SECRET` or `SECRET/KEY`: the container's `DATABASE_URL` read from that Secret's key (default
   * key `DATABASE_URL`), so the database's password never sits in the manifest. Default "": none.
   */
  databaseSecret?: string;
}

export type K8sOptions = Required<Omit<K8sInput, "hpa">> & Pick<K8sInput, "hpa">;

/** Input the generator refuses; `problems` lists every reason, one sentence each. */
export class InvalidK8sInput extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "InvalidK8sInput";
  }
}

// The patterns are functions, not module constants: this module is loaded at the top of some
// test files and inside a test by others (the CLI's lazy import), and Stryker credits a module
// constant's mutants only to the latter, which do not test the patterns' edges (issue 19).

// RFC 1035 label: what Kubernetes requires of Service names, and so of ours.
function dnsLabel(): RegExp {
  return /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
}
// OCI distribution: repository `[registry/]path` and tag `[\w][\w.-]{0,127}`.
function repository(): RegExp {
  return /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
}
function imageTag(): RegExp {
  return /^\w[\w.-]{0,127}$/;
}
// The tag is the pods' `version` label too, and a label value is shorter and must end alphanumeric.
function labelValue(): RegExp {
  return /^[A-Za-z0-9]([\w.-]{0,61}[A-Za-z0-9])?$/;
}

function defaultName(entry: string): string {
  const parts = entry.replace(/\\/g, "/").split("/").filter(Boolean);
  const folder = parts.length > 1 ? parts[parts.length - 2]! : "app";
  return folder.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "app";
}

/**
 * Fills the defaults and checks every choice, so bad input never reaches a manifest. `known`:
 * problems the caller found already, reported with the others.
 */
export function resolveOptions(input: K8sInput, known: string[] = []): K8sOptions {
  const name = input.name ?? defaultName(input.entry);
  const drainTimeoutMs = input.drainTimeoutMs ?? defaultDrainTimeoutMs;
  // Not the server's default of 0: the preStop pause moves new connections off the pod, but only
  // this delay's `connection: close` answers move its keep-alive clients.
  const drainDelayMs = input.drainDelayMs ?? 2000;
  const preStopSeconds = input.preStopSeconds ?? 5;
  const options: K8sOptions = {
    entry: input.entry,
    name,
    image: input.image ?? name,
    tag: input.tag,
    replicas: input.replicas ?? 2,
    cpuRequest: input.cpuRequest ?? "100m",
    cpuLimit: input.cpuLimit ?? "1",
    memoryRequest: input.memoryRequest ?? "128Mi",
    memoryLimit: input.memoryLimit ?? "256Mi",
    port: input.port ?? defaultPort,
    drainTimeoutMs,
    drainDelayMs,
    preStopSeconds,
    gracePeriodSeconds: input.gracePeriodSeconds ?? preStopSeconds + Math.ceil((drainDelayMs + drainTimeoutMs) / 1000) + 5,
    serviceType: input.serviceType ?? "LoadBalancer",
    https: input.https ?? false,
    nodeImage: input.nodeImage ?? "node:22-slim",
    databaseSecret: input.databaseSecret ?? "",
    hpa: input.hpa,
  };
  const problems = [...known, ...check(options)];
  if (problems.length > 0) throw new InvalidK8sInput(problems);
  return options;
}

function isInteger(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** The Secret and key `--database-secret` names, or undefined for none. */
export function databaseSecretOf(o: K8sOptions): { name: string; key: string } | undefined {
  if (o.databaseSecret === "") return undefined;
  const [name = "", key = "DATABASE_URL"] = o.databaseSecret.split("/", 2);
  return { name, key };
}

// A Secret's name is a DNS subdomain; a key is letters, digits, '-', '_' and '.'.
function dnsSubdomain(): RegExp {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
}
function secretKey(): RegExp {
  return /^[-._a-zA-Z0-9]{1,253}$/;
}

function check(o: K8sOptions): string[] {
  const problems: string[] = [];
  const secret = databaseSecretOf(o);
  if (secret && (!dnsSubdomain().test(secret.name) || secret.name.length > 253 || !secretKey().test(secret.key) || o.databaseSecret.split("/").length > 2)) {
    problems.push(`database secret ${JSON.stringify(o.databaseSecret)} is not SECRET or SECRET/KEY, e.g. users-db or users-db/url`);
  }
  if (!o.entry || o.entry.startsWith("-")) problems.push("the entry must be the server's module path, e.g. examples/node/main.ts");
  if (!dnsLabel().test(o.name)) {
    problems.push(`name ${JSON.stringify(o.name)} is not a DNS label: lower-case letters, digits and '-', starting with a letter, at most 63`);
  }
  if (!repository().test(o.image)) problems.push(`image ${JSON.stringify(o.image)} is not an image repository such as ghcr.io/acme/users (no tag: see --tag)`);
  if (!imageTag().test(o.tag) || !labelValue().test(o.tag)) {
    problems.push(`tag ${JSON.stringify(o.tag)} is not an image tag that is also a label value: letters, digits, '_', '.', '-', at most 63, starting and ending with a letter or digit`);
  }
  if (!isInteger(o.replicas, 2, 1000)) {
    problems.push(`replicas ${o.replicas} must be an integer of at least 2: one pod alone cannot stay available while it is replaced`);
  }
  for (const [what, request, limit] of [
    ["cpu", o.cpuRequest, o.cpuLimit],
    ["memory", o.memoryRequest, o.memoryLimit],
  ] as const) {
    const low = parseQuantity(request);
    const high = parseQuantity(limit);
    if (low === undefined || low <= 0) problems.push(`${what} request ${JSON.stringify(request)} is not a positive Kubernetes quantity such as ${what === "cpu" ? "250m" : "128Mi"}`);
    if (high === undefined || high <= 0) problems.push(`${what} limit ${JSON.stringify(limit)} is not a positive Kubernetes quantity such as ${what === "cpu" ? "1" : "256Mi"}`);
    if (low !== undefined && high !== undefined && low > high) problems.push(`${what} request ${request} is more than its limit ${limit}`);
    // Valid to the API server, and a pod that cannot start: `m` is milli, 128m bytes is 0.128 bytes.
    for (const [which, text] of [["request", request], ["limit", limit]] as const) {
      if (what === "memory" && text.endsWith("m")) problems.push(`memory ${which} ${text} is ${text.slice(0, -1)} thousandths of a byte: write ${text.slice(0, -1)}Mi for mebibytes`);
    }
  }
  if (!isInteger(o.port, 1, 65535)) problems.push(`port ${o.port} is out of range: an integer from 1 to 65535`);
  if (!isInteger(o.drainTimeoutMs, 0, 3_600_000)) problems.push(`drain timeout ${o.drainTimeoutMs} ms must be an integer from 0 to 3600000`);
  if (!isInteger(o.drainDelayMs, 0, 3_600_000)) problems.push(`drain delay ${o.drainDelayMs} ms must be an integer from 0 to 3600000`);
  if (!isInteger(o.preStopSeconds, 0, 3600)) problems.push(`preStop pause ${o.preStopSeconds} s must be an integer from 0 to 3600`);
  if (!isInteger(o.gracePeriodSeconds, 1, 86_400)) {
    problems.push(`grace period ${o.gracePeriodSeconds} s must be an integer from 1 to 86400`);
  } else if (o.gracePeriodSeconds * 1000 <= o.preStopSeconds * 1000 + o.drainDelayMs + o.drainTimeoutMs) {
    problems.push(
      `grace period ${o.gracePeriodSeconds} s is not longer than the preStop pause (${o.preStopSeconds} s) plus the drain delay ` +
        `(${o.drainDelayMs / 1000} s) plus the drain timeout (${o.drainTimeoutMs / 1000} s): Kubernetes would kill the server ` +
        `mid-drain; raise the grace period or shorten the drain`,
    );
  }
  if (!(serviceTypes as readonly string[]).includes(o.serviceType)) {
    problems.push(`service type ${JSON.stringify(o.serviceType)} must be LoadBalancer, ClusterIP or NodePort`);
  }
  // [registry[:port]/]path[:tag][@digest]: a registry's port is no tag.
  if (!/^([\w.-]+(:\d+)?\/)?[\w.-]+(\/[\w.-]+)*(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/.test(o.nodeImage)) problems.push(`node image ${JSON.stringify(o.nodeImage)} is not an image reference`);
  if (o.hpa) {
    const { min, max, cpuPercent } = o.hpa;
    if (!isInteger(min, 2, 1000)) problems.push(`autoscaler minimum ${min} must be an integer of at least 2`);
    if (!isInteger(max, 1, 1000) || max < min) problems.push(`autoscaler maximum ${max} must be an integer no less than the minimum ${min}`);
    if (!isInteger(cpuPercent, 1, 1000)) problems.push(`autoscaler cpu target ${cpuPercent}% must be an integer percent from 1 to 1000`);
  }
  return problems;
}
