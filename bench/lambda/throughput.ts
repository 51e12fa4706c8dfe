// One contestant's Lambda handler in one fresh process: checked, warmed, then driven with
// `await handler(event, context)` as fast as it answers, for each event kind and route.
import { pathToFileURL } from "node:url";
import { checkService } from "../check.js";
import { nthName } from "../names.js";
import { bodyText, contextOf, eventKinds, eventOf, type Handler, type LambdaEvent } from "./events.js";

export interface ThroughputSpec {
  bundle: string;
  contestant: string;
  warmEvents: number;
  milliseconds: number;
}

/** Events per second by event kind and method: `v2 POST`, `v2 GET`, … `url GET`. */
export type Throughput = Record<string, number>;

const spec = JSON.parse(process.argv[2]!) as ThroughputSpec;
const { handler } = (await import(pathToFileURL(spec.bundle).href)) as { handler: Handler };
const context = contextOf("c0ffee00-0000-4000-8000-000000000000");

// Each kind's check creates a user of its own name; every GET below reads the first, `alice`.
const checkNames = { v2: "alice", v1: "alicia", alb: "alina", url: "aline" };
for (const kind of eventKinds) {
  await checkService(`lambda ${spec.contestant} ${kind}`, async (method, path, body) => {
    const result = await handler(eventOf(kind, method, path, body), context);
    return { status: result.statusCode, body: bodyText(result) };
  }, checkNames[kind]);
}

/** Runs `next()` events for the time allowed; every answer must have the expected status. */
async function drive(next: () => LambdaEvent, status: number, count: number | undefined, ms: number): Promise<number> {
  const started = performance.now();
  let done = 0;
  for (;;) {
    for (let i = 0; i < 64; i++) {
      const result = await handler(next(), context);
      if (result.statusCode !== status) throw new Error(`${spec.contestant} answered ${result.statusCode}, not ${status}`);
    }
    done += 64;
    const elapsed = performance.now() - started;
    if (count !== undefined ? done >= count : elapsed >= ms) return (done * 1000) / elapsed;
  }
}

const results: Throughput = {};
let n = 0;
for (const kind of eventKinds) {
  // The POST event differs only by the posted name, which is new each time and equally long.
  const post = eventOf(kind, "POST", "/user", `{"name":"${nthName("p", 0)}"}`);
  const nextPost = () => ({ ...post, body: `{"name":"${nthName("p", ++n)}"}` });
  const get = eventOf(kind, "GET", "/user/alice");
  const nextGet = () => get;
  await drive(nextPost, 201, spec.warmEvents, 0);
  await drive(nextGet, 200, spec.warmEvents, 0);
  results[`${kind} POST`] = await drive(nextPost, 201, undefined, spec.milliseconds);
  results[`${kind} GET`] = await drive(nextGet, 200, undefined, spec.milliseconds);
}
console.log(JSON.stringify(results));
