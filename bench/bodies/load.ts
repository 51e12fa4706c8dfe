// The load generator of the big-body part, in its own process: autocannon POSTing one order
// document of the given size, over and over, printing its summary as one JSON line.
import autocannon from "autocannon";
import type { LoadResult } from "../node/load.js";
import { document } from "./order.js";

export interface BodyLoadSpec {
  url: string;
  bytes: number;
  seconds: number;
  connections: number;
}

const spec = JSON.parse(process.argv[2]!) as BodyLoadSpec;
const body = document(spec.bytes);
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  requests: [{ method: "POST", path: "/orders", headers: { "content-type": "application/json" }, body }],
});
const summary: LoadResult = {
  rps: result.requests.average,
  p99: result.latency.p99,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
};
console.log(JSON.stringify(summary));
