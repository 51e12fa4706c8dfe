// The load generator of the big-body part, in its own process: autocannon POSTing one order
// document of the given size, over and over, printing its summary as one JSON line.
import autocannon from "autocannon";
import { responseTimes, summaryOf } from "../load-result.js";
import { document } from "./order.js";

export interface BodyLoadSpec {
  url: string;
  bytes: number;
  seconds: number;
  connections: number;
}

const spec = JSON.parse(process.argv[2]!) as BodyLoadSpec;
const body = document(spec.bytes);
const run = autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  requests: [{ method: "POST", path: "/orders", headers: { "content-type": "application/json" }, body }],
});
const times = responseTimes(run);
console.log(JSON.stringify(summaryOf(await run, times)));
