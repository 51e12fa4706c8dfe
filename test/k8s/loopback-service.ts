import { get } from "node:http";
import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A Kubernetes Service on loopback, as kube-proxy and the endpoints controller play it:
 * - each NEW connection goes to one routable endpoint, round robin, and stays with it for its
 *   life (kube-proxy NATs connections; it never moves or closes an established one);
 * - an endpoint is routable once its readiness probe (`GET /readyz` on a fresh connection,
 *   as the kubelet does) answers 200, and stops being so when it fails or the pod is deleted;
 * - what the control plane learns reaches the proxy `propagationMs` later, as it does in a
 *   cluster: the reason a pod's preStop pause must outlast that propagation.
 * A connection that finds no routable endpoint, or whose endpoint refuses it, is reset.
 */
export interface LoopbackService {
  port: number;
  /** A pod's endpoint: probed from now on. */
  add(port: number): void;
  /** The pod is being deleted: out of rotation, whatever its probe says. */
  terminate(port: number): void;
  /** Endpoints new connections may go to, as the proxy sees them now. */
  routable(): number[];
  /** New connections sent to each endpoint, and those reset for want of one. */
  counts: { connections: Map<number, number>; reset: number };
  close(): Promise<void>;
}

interface Endpoint {
  ready: boolean;
  terminating: boolean;
  /** The state the proxy acts on, `propagationMs` behind. */
  routable: boolean;
}

export async function loopbackService(options: { probeEveryMs: number; propagationMs: number }): Promise<LoopbackService> {
  const endpoints = new Map<number, Endpoint>();
  const counts = { connections: new Map<number, number>(), reset: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let turn = 0;
  let closed = false;

  const propagate = (port: number) => {
    const endpoint = endpoints.get(port)!;
    const routable = endpoint.ready && !endpoint.terminating;
    const timer = setTimeout(() => {
      timers.delete(timer);
      endpoint.routable = routable;
    }, options.propagationMs);
    timers.add(timer);
  };

  const routable = () => [...endpoints].filter(([, e]) => e.routable).map(([port]) => port);

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    const ports = routable();
    if (ports.length === 0) {
      counts.reset++;
      client.resetAndDestroy();
      return;
    }
    const port = ports[turn++ % ports.length]!;
    counts.connections.set(port, (counts.connections.get(port) ?? 0) + 1);
    const upstream = connect(port, "127.0.0.1");
    sockets.add(upstream);
    upstream.once("close", () => sockets.delete(upstream));
    // A reset on one side is a reset on the other, as with NAT; an orderly close stays orderly.
    upstream.on("error", () => client.resetAndDestroy());
    client.on("error", () => upstream.resetAndDestroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  const probe = (port: number) =>
    new Promise<boolean>((resolve) => {
      const req = get({ host: "127.0.0.1", port, path: "/readyz", agent: false, timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(false));
    });

  const prober = setInterval(() => {
    for (const [port, endpoint] of endpoints) {
      void probe(port).then((ready) => {
        if (closed || ready === endpoint.ready) return;
        endpoint.ready = ready;
        propagate(port);
      });
    }
  }, options.probeEveryMs);

  return {
    port: (server.address() as { port: number }).port,
    add(port) {
      endpoints.set(port, { ready: false, terminating: false, routable: false });
    },
    terminate(port) {
      endpoints.get(port)!.terminating = true;
      propagate(port);
    },
    routable,
    counts,
    async close() {
      closed = true;
      clearInterval(prober);
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
