import type { K8sOptions } from "./options.js";

/** The registry an image repository names: its first part when that is a host, else Docker Hub. */
function registryOf(image: string): string {
  const first = image.split("/")[0]!;
  return image.includes("/") && (first.includes(".") || first.includes(":") || first === "localhost") ? first : "docker.io";
}

/**
 * GitHub's own token can push to ghcr.io only; any other registry takes the credentials the
 * user stores as repository secrets (the header of the generated file names them).
 */
function loginTo(registry: string): Record<string, string> {
  if (registry === "ghcr.io") return { registry, username: "${{ github.actor }}", password: "${{ secrets.GITHUB_TOKEN }}" };
  return {
    ...(registry === "docker.io" ? {} : { registry }),
    username: "${{ secrets.REGISTRY_USERNAME }}",
    password: "${{ secrets.REGISTRY_PASSWORD }}",
  };
}

/** The repository secrets the workflow reads, for the line that tells the user to set them. */
export function workflowSecrets(o: K8sOptions): string[] {
  const cluster = "KUBECONFIG (base64 of a kubeconfig)";
  return registryOf(o.image) === "ghcr.io" ? [cluster] : [cluster, `REGISTRY_USERNAME and REGISTRY_PASSWORD (for ${registryOf(o.image)})`];
}

/**
 * A GitHub Actions workflow: tests on every push; on a push to main (a merge), the tests once
 * more on the merged code, since passing on the branch says nothing of the merge; then the image
 * tagged by the commit's SHA, pushed, and a rolling update to it that must finish, or is rolled
 * back, so that main is what runs or the rollout failed loudly.
 *
 * The manifests are written again in CI with `--tag $GITHUB_SHA`, so what is applied is
 * exactly what the flags say, with the image just built.
 */
export function workflowOf(o: K8sOptions, dockerfile: string, command: string[]): Record<string, unknown> {
  const setup = [
    { uses: "actions/checkout@v4" },
    { uses: "actions/setup-node@v4", with: { "node-version": 22, cache: "npm" } },
    { run: "npm ci" },
    // The project's own build (TypeScript to dist, say) before anything runs from it.
    { run: "npm run build --if-present" },
  ];
  const generate = ["npx", "jobwrap", "k8s", ...command, "--tag", '"$GITHUB_SHA"', "--out", '"$RUNNER_TEMP/k8s"'].join(" ");
  return {
    name: `${o.name}: test, build, roll out`,
    on: { push: {} },
    // The test job runs every branch's code: it gets read access only.
    permissions: { contents: "read" },
    env: { IMAGE: o.image },
    jobs: {
      test: { "runs-on": "ubuntu-latest", steps: [...setup, { run: "npm test" }] },
      deploy: {
        needs: "test",
        if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
        "runs-on": "ubuntu-latest",
        environment: "production",
        permissions: { contents: "read", packages: "write" },
        // One rollout at a time; a newer merge waits rather than racing the one in progress. On
        // this job, not the workflow: there it would queue every branch's tests behind a
        // rollout, and cancel the pending ones.
        concurrency: { group: `deploy-${o.name}`, "cancel-in-progress": false },
        steps: [
          ...setup,
          { name: "Log in to the registry", uses: "docker/login-action@v3", with: loginTo(registryOf(o.image)) },
          {
            name: "Build and push the image, tagged by the commit",
            run: `docker build -f ${dockerfile} -t "$IMAGE:$GITHUB_SHA" .\ndocker push "$IMAGE:$GITHUB_SHA"\n`,
          },
          { uses: "azure/setup-kubectl@v4" },
          {
            name: "Cluster credentials",
            env: { KUBECONFIG_DATA: "${{ secrets.KUBECONFIG }}" },
            run: 'echo "$KUBECONFIG_DATA" | base64 -d > "$RUNNER_TEMP/kubeconfig"\necho "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"\n',
          },
          { name: "Manifests for this commit", run: generate },
          { name: "Rolling update", run: `kubectl apply -f "$RUNNER_TEMP/k8s/k8s/"` },
          { name: "Wait for the rollout", id: "rollout", run: `kubectl rollout status deployment/${o.name} --timeout=5m` },
          { name: "Roll back a failed rollout", if: "failure() && steps.rollout.outcome == 'failure'", run: `kubectl rollout undo deployment/${o.name}` },
        ],
      },
    },
  };
}
