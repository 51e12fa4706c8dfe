// The load generator, run in its own process on its own core: autocannon against one
// route of one server, printing its summary as one JSON line.
import autocannon from "autocannon";
import { responseTimes, summaryOf } from "../load-result.js";
import { nthName } from "../names.js";

export type { LoadResult } from "../load-result.js";

export interface LoadSpec {
  url: string;
  route: "post" | "get";
  seconds: number;
  connections: number;
  /** Distinguishes the names this run posts from any posted before to the same server. */
  prefix: string;
  /** Sent with every request besides the route's own. */
  headers?: Record<string, string> | undefined;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
let n = 0;
const request =
  spec.route === "post"
    ? {
        method: "POST" as const,
        path: "/user",
        headers: { "content-type": "application/json", ...spec.headers },
        setupRequest: (req: autocannon.Request) => ({ ...req, body: `{"name":"${nthName(spec.prefix, n++)}"}` }),
      }
    : { method: "GET" as const, path: "/user/alice", headers: spec.headers ?? {} };

const run = autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  requests: [request],
});
const times = responseTimes(run);
console.log(JSON.stringify(summaryOf(await run, times)));
