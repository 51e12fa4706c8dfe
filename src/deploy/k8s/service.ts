import { Service } from "kubernetes-models/v1/Service";
import type { K8sOptions } from "./options.js";

/**
 * Port 80, and 443 with --https, to the container's named port, which speaks plain HTTP. A
 * LoadBalancer Service alone passes TCP through, so 443 serves TLS only where the user ends it
 * in front of the pod (a cloud annotation such as AWS's `aws-load-balancer-ssl-cert`, or an
 * Ingress): the annotations differ by cloud, so they are the user's to add.
 */
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
