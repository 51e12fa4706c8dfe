import type { Server } from "node:http";

/** The port the orchestrator assigned: each server listens on loopback only. */
export const port = Number(process.env.BENCH_PORT ?? 3000);
export const host = "127.0.0.1";

/** Tells the orchestrator, on stdout, that the server is accepting connections. */
export function announce(): void {
  console.log(`listening ${port}`);
}

export function listen(server: Server): void {
  server.listen(port, host, announce);
}
