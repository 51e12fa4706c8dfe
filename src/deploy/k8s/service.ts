import { Service } from "kubernetes-models/v1/Service";
import type { K8sOptions } from "./options.js";

/** Port 80 (and 443 with --https, TLS ended at the load balancer) to the container's named port. */
export function serviceOf(o: K8sOptions): Service {
  return new Service({
    metadata: { name: o.name, labels: { app: o.name } },
    spec: {
      type: o.serviceType,
      selector: { app: o.name },
      ports: [
        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
        ...(o.https ? [{ name: "https", port: 443, targetPort: "http", protocol: "TCP" as const }] : []),
      ],
    },
  });
}
