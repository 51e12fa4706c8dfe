// Big bodies: POSTs of a 100 KiB and a 900 KiB order (bench/bodies/order.ts) validated by the
// same valibot schema in every contestant, as MB/s; and the server's memory with 64 uploads of
// 900 KiB in flight at once.
import { deepStrictEqual } from "node:assert";
import { bundleProgram } from "../build.js";
import type { LoadResult } from "../node/load.js";
import { canPin, runJson, startServer } from "../processes.js";
import { median, rotate } from "../stats.js";
import type { BodyLoadSpec } from "./load.js";
import { document, Order, summary } from "./order.js";
import * as v from "valibot";

export const bodyContestants = ["jobwrap", "handwritten", "fastify"] as const;
export type BodyContestant = (typeof bodyContestants)[number];

export interface BodySettings {
  rounds: number;
  warmSeconds: number;
  seconds: number;
  connections: number;
  /** Uploads in flight at once while memory is measured. */
  inFlight: number;
}

export const bodySizes = { small: 100 * 1024, big: 900 * 1024 } as const;

export interface BodyStats {
  /** Megabytes (10^6 bytes) of request body per second. */
  mbps: number;
  p99: number;
  cpuMicros: number;
}

export interface BodyResults {
  contestants: Record<string, { small: BodyStats; big: BodyStats; idleMiB: number; peakMiB: number }>;
}

const serverCore = 1;
const loadCore = 0;

/** Every contestant answers a valid order with its summary and an invalid one with 400 before it is timed. */
async function check(name: string, url: string): Promise<void> {
  const text = document(bodySizes.small);
  const ok = await fetch(`${url}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: text });
  if (ok.status !== 201) throw new Error(`bodies ${name}: a valid order answered ${ok.status}`);
  deepStrictEqual(await ok.json(), summary(v.parse(Order, JSON.parse(text))), `bodies ${name}: the summary differs`);
  const bad = await fetch(`${url}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: text.replace('"quantity":1', '"quantity":0') });
  if (bad.status !== 400) throw new Error(`bodies ${name}: an order with a quantity of 0 answered ${bad.status}`);
}

export async function runBodies(settings: BodySettings, say: (line: string) => void): Promise<BodyResults> {
  const loader = await bundleProgram("bench/bodies/load.ts", "bodies-load");
  const programs = await Promise.all(bodyContestants.map(async (name) => ({ name, program: await bundleProgram(`bench/bodies/servers/${name}.ts`, `bodies-${name}`) })));
  if (!canPin) say("taskset is missing: server and load generator are NOT pinned to separate cores");
  const samples: Record<string, { small: BodyStats[]; big: BodyStats[]; idle: number[]; peak: number[] }> = Object.fromEntries(
    bodyContestants.map((name) => [name, { small: [], big: [], idle: [], peak: [] }]),
  );
  let port = Number(process.env.BENCH_PORT ?? 30_100) + 400;
  for (let round = 0; round < settings.rounds; round++) {
    for (const { name, program } of rotate(programs, round)) {
      const server = await startServer(serverCore, program, port++);
      try {
        await check(name, server.url);
        const load = async (bytes: number, seconds: number, connections: number): Promise<BodyStats> => {
          const before = server.cpuSeconds();
          const spec: BodyLoadSpec = { url: server.url, bytes, seconds, connections };
          const result = await runJson<LoadResult>(loadCore, [loader, JSON.stringify(spec)]);
          if (result.non2xx > 0 || result.errors > 0 || result.requests === 0) {
            throw new Error(`bodies ${name} ${bytes} B: ${result.non2xx} non-2xx, ${result.errors} errors of ${result.requests}`);
          }
          return { mbps: (result.rps * bytes) / 1e6, p99: result.p99, cpuMicros: ((server.cpuSeconds() - before) * 1e6) / result.requests };
        };
        await load(bodySizes.small, settings.warmSeconds, settings.connections);
        await load(bodySizes.big, settings.warmSeconds, settings.connections);
        const small = await load(bodySizes.small, settings.seconds, settings.connections);
        const big = await load(bodySizes.big, settings.seconds, settings.connections);
        const idle = server.memory().rss;
        await load(bodySizes.big, settings.seconds, settings.inFlight);
        const { peak } = server.memory();
        const entry = samples[name]!;
        entry.small.push(small);
        entry.big.push(big);
        entry.idle.push(idle);
        entry.peak.push(peak);
        say(
          `bodies round ${round + 1} ${name}: 100 KiB ${small.mbps.toFixed(0)} MB/s, 900 KiB ${big.mbps.toFixed(0)} MB/s, ` +
            `RSS ${(idle / 2 ** 20).toFixed(0)} MiB idle, ${(peak / 2 ** 20).toFixed(0)} MiB peak with ${settings.inFlight} in flight`,
        );
      } finally {
        await server.stop();
      }
    }
  }
  const summarise = (runs: BodyStats[]): BodyStats => ({
    mbps: median(runs.map((r) => r.mbps)),
    p99: median(runs.map((r) => r.p99)),
    cpuMicros: median(runs.map((r) => r.cpuMicros)),
  });
  return {
    contestants: Object.fromEntries(
      bodyContestants.map((name) => {
        const s = samples[name]!;
        return [name, { small: summarise(s.small), big: summarise(s.big), idleMiB: median(s.idle) / 2 ** 20, peakMiB: median(s.peak) / 2 ** 20 }];
      }),
    ),
  };
}
