/**
 * The Node server's graceful stop: on a signal it turns unready, keeps serving for the drain
 * delay, closes its listener and idle sockets, lets requests in flight and their `waitUntil`
 * work finish within the drain timeout, then exits 0. A process manager's SIGTERM (Heroku,
 * Kubernetes) then loses no request.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { LogSink } from "../core/types.js";

/** Per-server state the listener consults: drain, and work still running after responses. */
export interface Lifecycle {
  /**
   * Set by the signal: `/readyz` answers 503, and every answer says `connection: close`, so
   * keep-alive clients reconnect elsewhere between requests instead of racing the close of an
   * idle socket later.
   */
  unready: boolean;
  pending: Set<Promise<unknown>>;
}

interface DrainTimes {
  /** Milliseconds between the signal and closing the listener, unready but still serving. */
  delay: number;
  /** Most milliseconds to wait for in-flight requests and pending work before closing every connection. */
  timeout: number;
}

/**
 * The drain of `server`: one run, however often it is called. Counts the server's connections
 * from now on, for the log lines. `close` (the backend's pool) runs last, when no request can use it any more.
 */
export function drainOf(
  server: Server,
  life: Lifecycle,
  times: DrainTimes,
  sink: LogSink,
  close?: () => Promise<void>,
): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  let drained: Promise<void> | undefined;
  return () =>
    (drained ??= (async () => {
      life.unready = true;
      const started = Date.now();
      if (times.delay > 0) {
        sink({ severity: "INFO", message: "unready; still serving", drainDelay: times.delay });
        await new Promise((resolve) => setTimeout(resolve, times.delay));
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      sink({ severity: "INFO", message: "draining", connections: sockets.size, drainTimeout: times.timeout });
      // Keep-alive sockets become idle as their last response ends; close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), times.timeout)));
      const outcome = await Promise.race([
        closed.then(() => Promise.allSettled([...life.pending])).then(() => "done" as const),
        timeout,
      ]);
      clearInterval(sweep);
      clearTimeout(timer);
      if (outcome === "timeout") {
        sink({ severity: "WARNING", message: "drain timed out; closing the remaining connections", open: sockets.size });
        server.closeAllConnections();
      }
      if (close) {
        await close().then(
          () => sink({ severity: "INFO", message: "backend closed" }),
          (error: unknown) => sink({ severity: "WARNING", message: "closing the backend failed", error }),
        );
      }
      sink({ severity: "INFO", message: "drained", durationMs: Date.now() - started });
    })());
}

/** On the first of each signal: drain, then exit 0. */
export function drainOnSignals(signals: NodeJS.Signals[], drain: () => Promise<void>, sink: LogSink): void {
  for (const signal of signals) {
    process.once(signal, () => {
      sink({ severity: "INFO", message: `${signal} received` });
      void drain().then(() => process.exit(0));
    });
  }
}
