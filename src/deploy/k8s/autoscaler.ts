import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import type { K8sOptions } from "./options.js";

/** Scales the Deployment on average CPU use, as a share of the pods' CPU request. */
export function autoscalerOf(o: K8sOptions & { hpa: NonNullable<K8sOptions["hpa"]> }): HorizontalPodAutoscaler {
  return new HorizontalPodAutoscaler({
    metadata: { name: o.name, labels: { app: o.name } },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: o.name },
      minReplicas: o.hpa.min,
      maxReplicas: o.hpa.max,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: o.hpa.cpuPercent } } },
      ],
    },
  });
}
