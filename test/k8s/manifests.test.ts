import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Service } from "kubernetes-models/v1/Service";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { main } from "../../src/cli/main.js";
import { argsOf, parseK8sArgs } from "../../src/deploy/k8s/flags.js";
import { generate } from "../../src/deploy/k8s/generate.js";
import { InvalidK8sInput, resolveOptions, type K8sInput } from "../../src/deploy/k8s/options.js";
import { validateStrict } from "../../src/deploy/k8s/strict.js";

const root = new URL("../../", import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), "jobwrap-k8s-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const base: K8sInput = { entry: "examples/node/main.ts", name: "users", image: "ghcr.io/example/users", tag: "0f1e2d3c" };

function problemsOf(input: Partial<K8sInput>): string[] {
  try {
    resolveOptions({ ...base, ...input });
  } catch (error) {
    if (error instanceof InvalidK8sInput) return error.problems;
    throw error;
  }
  return [];
}

/** The manifests as `kubectl apply` reads them: YAML documents, comments dropped. */
function manifests(files: Record<string, string>) {
  const read = (path: string) => parse(files[path]!) as Record<string, any>;
  return { deployment: read("k8s/deployment.yaml"), service: read("k8s/service.yaml"), autoscaler: "k8s/autoscaler.yaml" in files ? read("k8s/autoscaler.yaml") : undefined };
}

describe("jobwrap k8s manifests", () => {
  const options = resolveOptions({ ...base, https: true, hpa: { min: 2, max: 6, cpuPercent: 70 }, drainTimeoutMs: 15_000, port: 3000 });
  const files = generate(options, "deploy/k8s");
  const { deployment, service, autoscaler } = manifests(files);

  it("writes objects that kubernetes-models validates, with no field it does not know", () => {
    for (const [model, kind] of [
      [new Deployment(deployment as never), "Deployment"],
      [new Service(service as never), "Service"],
      [new HorizontalPodAutoscaler(autoscaler as never), "HorizontalPodAutoscaler"],
    ] as const) {
      expect(() => validateStrict(model, kind)).not.toThrow();
    }
    expect(deployment).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment" });
    expect(autoscaler).toMatchObject({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" });
    for (const [file, text] of Object.entries(files)) {
      if (!/\.ya?ml$/.test(file)) continue;
      const docs = parseAllDocuments(text);
      expect(Array.isArray(docs) && docs.length === 1 && docs[0]!.errors.length === 0, file).toBe(true);
    }
  });

  it("rolls out one new pod at a time, drains within the grace period, and runs as non-root", () => {
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(deployment.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: "users" } });
    expect(deployment.spec.template.metadata.labels).toEqual({ app: "users", version: "0f1e2d3c" });
    expect(container.image).toBe("ghcr.io/example/users:0f1e2d3c");
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.ports).toEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    const env = Object.fromEntries(container.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({ PORT: "3000", JOBWRAP_DRAIN_TIMEOUT_MS: "15000", JOBWRAP_DRAIN_DELAY_MS: "2000" });
    const preStop = container.lifecycle.preStop.sleep.seconds as number;
    expect(preStop).toBeGreaterThan(0);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(preStop + 2 + 15);
    expect(container.resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "256Mi" } });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    // The autoscaler owns the count: a replicas field would reset it on every apply.
    expect(deployment.spec.replicas).toBeUndefined();
    expect(autoscaler?.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: "Deployment", name: "users" } });
  });

  it("exposes 80, and 443 when asked, to the container's port through a load balancer", () => {
    expect(service.spec.type).toBe("LoadBalancer");
    expect(service.spec.ports.map((p: { port: number; targetPort: string }) => [p.port, p.targetPort])).toEqual([
      [80, "http"],
      [443, "http"],
    ]);
    expect(manifests(generate(resolveOptions(base), "out")).deployment.spec.replicas).toBe(2);
  });

  it("writes a Dockerfile that starts node itself, as a non-root user, on a slim base given as a build argument", () => {
    const dockerfile = files["Dockerfile"]!;
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-slim$/m);
    expect(dockerfile.match(/^FROM \$\{NODE_IMAGE\}/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^USER 1000:1000$/m);
    expect(dockerfile).toMatch(/^CMD \["node",/m);
    expect(dockerfile).not.toMatch(/^CMD .*npm/m);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
  });

  it("reads DATABASE_URL from a Secret when asked, and holds no database setting otherwise", () => {
    const env = (input: Partial<K8sInput>) =>
      (manifests(generate(resolveOptions({ ...base, ...input }), "out")).deployment.spec.template.spec.containers[0].env as { name: string }[]).filter(
        (variable) => variable.name === "DATABASE_URL",
      );
    expect(env({})).toEqual([]);
    expect(env({ databaseSecret: "users-db" })).toEqual([{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "users-db", key: "DATABASE_URL" } } }]);
    expect(env({ databaseSecret: "users-db/url" })).toEqual([{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "users-db", key: "url" } } }]);
    expect(argsOf(resolveOptions({ ...base, databaseSecret: "users-db/url" }))).toContain("--database-secret");
    expect(parseK8sArgs(["examples/node/main.ts", "--database-secret", "users-db"]).input.databaseSecret).toBe("users-db");
    expect(problemsOf({ databaseSecret: "Users DB" })).toEqual([expect.stringContaining('database secret "Users DB" is not SECRET or SECRET/KEY')]);
    expect(problemsOf({ databaseSecret: "users-db/a/b" })).toHaveLength(1);
  });

  it("refuses bad input with a message that names it", () => {
    expect(problemsOf({ cpuRequest: "lots" })).toEqual([expect.stringContaining('cpu request "lots" is not a positive Kubernetes quantity')]);
    expect(problemsOf({ cpuRequest: "2", cpuLimit: "500m" })).toEqual(["cpu request 2 is more than its limit 500m"]);
    expect(problemsOf({ memoryLimit: "1GB" })).toEqual([expect.stringContaining('memory limit "1GB"')]);
    expect(problemsOf({ port: 70000 })).toEqual(["port 70000 is out of range: an integer from 1 to 65535"]);
    expect(problemsOf({ port: 0 })).toHaveLength(1);
    expect(problemsOf({ drainTimeoutMs: 30_000, gracePeriodSeconds: 30 })).toEqual([
      expect.stringMatching(/^grace period 30 s is not longer than the preStop pause \(5 s\) plus the drain delay \(2 s\) plus the drain timeout \(30 s\): Kubernetes would kill the server mid-drain/),
    ]);
    expect(problemsOf({ replicas: 1 })).toEqual([expect.stringContaining("at least 2")]);
    expect(problemsOf({ name: "Users_1" })).toEqual([expect.stringContaining("not a DNS label")]);
    expect(problemsOf({ image: "ghcr.io/acme/users:v1" })).toEqual([expect.stringContaining("no tag: see --tag")]);
    // The tag is the `version` label too: at most 63 characters, alphanumeric at both ends.
    expect(problemsOf({ tag: "a".repeat(64) })).toEqual([expect.stringContaining("at most 63")]);
    expect(problemsOf({ tag: "v1-" })).toEqual([expect.stringContaining('tag "v1-" is not an image tag that is also a label value')]);
    expect(problemsOf({ tag: "0123456789abcdef0123456789abcdef01234567" })).toEqual([]);
    expect(problemsOf({ memoryRequest: "128m", memoryLimit: "256Mi" })).toEqual(["memory request 128m is 128 thousandths of a byte: write 128Mi for mebibytes"]);
    expect(() => parseK8sArgs(["examples/node/main.ts", "--port", "eighty"])).toThrow('--port "eighty" is not an integer');
    expect(() => parseK8sArgs(["examples/node/main.ts", "--hpa", "2-10"])).toThrow("--hpa \"2-10\" is not MIN/MAX/CPU%");
    expect(() => parseK8sArgs(["examples/node/main.ts", "--replica", "3"])).toThrow(/Unknown option '--replica'/);
  });

  it("names in each file the command that writes it again, so CI can regenerate with the commit's tag", () => {
    const chosen = resolveOptions({ ...base, port: 3000, drainTimeoutMs: 15_000, https: true, hpa: { min: 3, max: 9, cpuPercent: 60 }, cpuLimit: "2" });
    const args = argsOf(chosen);
    const again = parseK8sArgs(args).input;
    expect(resolveOptions({ ...again, tag: chosen.tag })).toEqual(chosen);
    expect(generate(chosen, "out")["k8s/deployment.yaml"]).toContain(`jobwrap k8s ${args.join(" ")}`);
    expect(argsOf(resolveOptions(base))).toEqual(["examples/node/main.ts", "--name", "users", "--image", "ghcr.io/example/users", "--tag", "0f1e2d3c"]);
  });

  it("refuses a field Kubernetes does not know, which validate() alone lets through", () => {
    const typo = { ...deployment, spec: { ...deployment.spec, template: { ...deployment.spec.template } } };
    const container = { ...deployment.spec.template.spec.containers[0], readinesProbe: { httpGet: { path: "/readyz", port: "http" } } };
    typo.spec.template.spec = { ...deployment.spec.template.spec, containers: [container] };
    const model = new Deployment(typo as never);
    expect(() => model.validate()).not.toThrow();
    expect(() => validateStrict(model, "Deployment")).toThrow(
      "Deployment has fields Kubernetes does not know: /spec/template/spec/containers/0/readinesProbe",
    );
    // Map-typed fields (labels, requests) take any key; a bad value is still refused.
    const badValue = new Deployment({ ...deployment, metadata: { name: "users", labels: { app: 7 } } } as never);
    expect(() => validateStrict(badValue, "Deployment")).toThrow(/Deployment is invalid: data\/metadata\/labels\/app must be string/);
  });

  it("names every unknown field, and takes a null where Kubernetes does (creationTimestamp: null, as kubectl writes it)", () => {
    const { deployment } = manifests(generate(resolveOptions(base), "out"));
    const typos = new Deployment({ ...deployment, metadata: { ...deployment.metadata, nmae: "users", lables: {} } } as never);
    expect(() => validateStrict(typos, "Deployment")).toThrow("Deployment has fields Kubernetes does not know: /metadata/nmae, /metadata/lables");
    const nulls = new Deployment({ ...deployment, metadata: { ...deployment.metadata, creationTimestamp: null, annotations: null } } as never);
    expect(() => validateStrict(nulls, "Deployment")).not.toThrow();
  });

  it("answers bad flags on the command line with exit code 2 and writes nothing", async () => {
    const out = join(temp, "refused");
    const errors: string[] = [];
    const write = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      expect(await main(["k8s", "examples/node/main.ts", "--tag", "abc", "--cpu-request", "1 core", "--out", out])).toBe(2);
    } finally {
      console.error = write;
    }
    expect(errors.join("\n")).toContain('cpu request "1 core" is not a positive Kubernetes quantity');
    expect(() => statSync(out)).toThrow();
  });
});

describe("the CI workflow", () => {
  const workflowOf = (input: Partial<K8sInput>) => parse(generate(resolveOptions({ ...base, ...input }), "deploy/k8s")["github-workflow.yml"]!) as Record<string, any>;

  it("tests every push; on main only, after the tests, builds the commit's image and rolls the same flags out with its tag", () => {
    const workflow = workflowOf({ port: 3000 });
    expect(workflow.on).toEqual({ push: {} });
    const { test, deploy } = workflow.jobs;
    expect(test.steps.map((step: { run?: string }) => step.run).filter(Boolean)).toEqual(["npm ci", "npm run build --if-present", "npm test"]);
    expect(deploy.needs).toBe("test");
    expect(deploy.if).toBe("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    const runs = deploy.steps.map((step: { run?: string }) => step.run ?? "").join("\n");
    expect(runs).toContain('docker build -f deploy/k8s/Dockerfile -t "$IMAGE:$GITHUB_SHA" .');
    expect(runs).toContain('docker push "$IMAGE:$GITHUB_SHA"');
    expect(workflow.env.IMAGE).toBe("ghcr.io/example/users");
    // The manifests applied are the generator's, for the flags of this file and the commit's tag.
    const generateStep = deploy.steps.find((step: { name?: string }) => step.name === "Manifests for this commit").run as string;
    // `npx jobwrap` runs what the project's build made.
    const order = deploy.steps.map((step: { run?: string }) => step.run);
    expect(order.indexOf("npm run build --if-present")).toBeGreaterThan(order.indexOf("npm ci"));
    expect(order.indexOf("npm run build --if-present")).toBeLessThan(order.indexOf(generateStep));
    const args = generateStep.replace(/^npx jobwrap k8s /, "").replaceAll('"', "").split(" ");
    expect(parseK8sArgs(args).input).toMatchObject({ port: 3000, image: "ghcr.io/example/users", tag: "$GITHUB_SHA" });
    expect(runs).toContain("kubectl rollout status deployment/users");
    expect(deploy.steps.at(-1)).toMatchObject({ if: "failure() && steps.rollout.outcome == 'failure'", run: "kubectl rollout undo deployment/users" });
  });

  it("serialises rollouts on the deploy job only, and gives write access to it alone", () => {
    const workflow = workflowOf({});
    // At the workflow's level the group would queue every branch's tests, and cancel pending ones.
    expect(workflow.concurrency).toBeUndefined();
    expect(workflow.jobs.deploy.concurrency).toEqual({ group: "deploy-users", "cancel-in-progress": false });
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs.deploy.permissions).toEqual({ contents: "read", packages: "write" });
  });

  it("logs in to the registry the image names: ghcr.io with GitHub's token, any other with the user's secrets", () => {
    const loginOf = (image: string) => workflowOf({ image }).jobs.deploy.steps.find((step: { uses?: string }) => step.uses?.startsWith("docker/login-action")).with;
    expect(loginOf("ghcr.io/example/users")).toEqual({ registry: "ghcr.io", username: "${{ github.actor }}", password: "${{ secrets.GITHUB_TOKEN }}" });
    const secrets = { username: "${{ secrets.REGISTRY_USERNAME }}", password: "${{ secrets.REGISTRY_PASSWORD }}" };
    expect(loginOf("123456789012.dkr.ecr.eu-west-1.amazonaws.com/users")).toEqual({ registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", ...secrets });
    expect(loginOf("localhost:5000/users")).toEqual({ registry: "localhost:5000", ...secrets });
    expect(loginOf("localhost/users")).toEqual({ registry: "localhost", ...secrets });
    // A one-part name is a Docker Hub image, a dot in it or not.
    expect(loginOf("users.app")).toEqual(secrets);
    // Docker Hub is the action's default registry.
    expect(loginOf("acme/users")).toEqual(secrets);
    const text = generate(resolveOptions({ ...base, image: "acme/users" }), "deploy/k8s")["github-workflow.yml"]!;
    expect(text.split("\n")[1]).toBe(
      "# Copy to .github/workflows/deploy.yml; set the repository secrets KUBECONFIG (base64 of a kubeconfig), REGISTRY_USERNAME and REGISTRY_PASSWORD (for docker.io).",
    );
  });
});

describe("examples/kubernetes", () => {
  it("holds exactly what `npm run k8s:example` generates", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const script = pkg.scripts["k8s:example"]!;
    // The script's own flags, through the command's own parsing, generation and file list.
    const { input, out } = parseK8sArgs(script.slice(script.indexOf(" k8s ") + 5).split(/\s+/));
    const files = generate(resolveOptions({ ...input, tag: input.tag! }), out);
    expect(Object.keys(files).length).toBeGreaterThan(3);
    for (const [file, text] of Object.entries(files)) {
      expect(readFileSync(join(root, out, file), "utf8"), `${file} drifted: run npm run k8s:example`).toBe(text);
    }
    const extra = listFiles(join(root, out, "k8s")).filter((file) => !(`k8s/${file}` in files));
    expect(extra, "manifests the generator no longer writes").toEqual([]);
  });
});

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((path) => statSync(join(folder, path)).isFile())
    .map((path) => relative(folder, join(folder, path)));
}
