import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { defaultHealthPath, defaultReadyPath, drainDelayEnv, drainTimeoutEnv, portEnv } from "../../adapters/node-settings.js";
import { databaseSecretOf, type K8sOptions } from "./options.js";

/** The Deployment's and its pods' labels; the selector uses `app` alone, as it never changes. */
function labelsOf(o: K8sOptions): Record<string, string> {
  return { app: o.name, version: o.tag };
}

/**
 * A Deployment that replaces pods one at a time without losing a request: a new pod must be
 * ready before an old one goes (maxSurge 1, maxUnavailable 0). An old pod keeps serving through
 * the preStop pause while endpoints forget it (no new connections after); on SIGTERM it keeps
 * serving for the drain delay, each answer saying `connection: close` so its keep-alive clients
 * reconnect to other pods; then it closes its listener and idle sockets, and drains, all within
 * the grace period.
 */
export function deploymentOf(o: K8sOptions): Deployment {
  const labels = labelsOf(o);
  const secret = databaseSecretOf(o);
  return new Deployment({
    metadata: { name: o.name, labels },
    spec: {
      // With an autoscaler the replica count is its to set: a count here would reset it on every apply.
      ...(o.hpa ? {} : { replicas: o.replicas }),
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: o.name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      // A rollout whose new pods never turn ready is reported failed by `kubectl rollout status`.
      progressDeadlineSeconds: 300,
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: o.gracePeriodSeconds,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            // The `node` user of the official Node images; numeric, so runAsNonRoot can verify it.
            runAsUser: 1000,
            runAsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: o.name,
              image: `${o.image}:${o.tag}`,
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: o.port, protocol: "TCP" }],
              env: [
                { name: portEnv, value: String(o.port) },
                { name: drainDelayEnv, value: String(o.drainDelayMs) },
                { name: drainTimeoutEnv, value: String(o.drainTimeoutMs) },
                { name: "NODE_ENV", value: "production" },
                // The password stays in the Secret: the pod reads it at start, the manifest never holds it.
                ...(secret ? [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } }] : []),
              ],
              resources: {
                requests: { cpu: o.cpuRequest, memory: o.memoryRequest },
                limits: { cpu: o.cpuLimit, memory: o.memoryLimit },
              },
              // Out of rotation within ~2 failed checks; back in on the first success.
              readinessProbe: {
                httpGet: { path: defaultReadyPath, port: "http" },
                periodSeconds: 2,
                timeoutSeconds: 1,
                failureThreshold: 2,
                successThreshold: 1,
              },
              // Restart only a server that stays unresponsive for 30 s; never during a slow start.
              livenessProbe: {
                httpGet: { path: defaultHealthPath, port: "http" },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                timeoutSeconds: 2,
                failureThreshold: 3,
              },
              // Kubernetes' own sleep (1.30+): no shell or `sleep` binary needed in the image.
              ...(o.preStopSeconds > 0 ? { lifecycle: { preStop: { sleep: { seconds: o.preStopSeconds } } } } : {}),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  });
}
