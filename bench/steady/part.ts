// Steady state: the Node server's resident memory after N requests, 5 N and 10 N, in one
// process, to show that memory does not grow per request. The middle reading tells a one-time
// step (V8 growing its young generation under sustained load) from a growth per request.
import { bundleProgram } from "../build.js";
import { checkService, overHttp } from "../check.js";
import { runJson, startServer } from "../processes.js";
import type { SteadyLoadSpec } from "./load.js";

export interface SteadySettings {
  /** Requests before the first reading; the second comes after five times as many in all, the last after ten times. */
  first: number;
  connections: number;
}

export interface SteadyResults {
  first: number;
  middle: number;
  last: number;
  firstMiB: number;
  middleMiB: number;
  lastMiB: number;
}

export async function runSteady(settings: SteadySettings, say: (line: string) => void): Promise<SteadyResults> {
  const loader = await bundleProgram("bench/steady/load.ts", "steady-load");
  const program = await bundleProgram("bench/node/servers/jobwrap.ts", "node-jobwrap");
  const server = await startServer(1, program, Number(process.env.BENCH_PORT ?? 30_100) + 500);
  try {
    await checkService("steady jobwrap", overHttp(server.url));
    const drive = async (amount: number) => {
      const spec: SteadyLoadSpec = { url: server.url, amount, connections: settings.connections };
      const result = await runJson<{ requests: number; ok: number; notFound: number; errors: number }>(0, [loader, JSON.stringify(spec)]);
      if (result.errors > 0 || result.ok + result.notFound !== result.requests) throw new Error(`steady: ${JSON.stringify(result)}`);
    };
    await drive(settings.first);
    const firstMiB = server.memory().rss / 2 ** 20;
    await drive(settings.first * 4);
    const middleMiB = server.memory().rss / 2 ** 20;
    await drive(settings.first * 5);
    const lastMiB = server.memory().rss / 2 ** 20;
    say(`steady: RSS ${firstMiB.toFixed(1)} MiB after ${settings.first} requests, ${middleMiB.toFixed(1)} after ${settings.first * 5}, ${lastMiB.toFixed(1)} after ${settings.first * 10}`);
    return { first: settings.first, middle: settings.first * 5, last: settings.first * 10, firstMiB, middleMiB, lastMiB };
  } finally {
    await server.stop();
  }
}
