// The load generator of the steady-state part: a fixed number of requests (autocannon's
// `amount`), alternating a user that exists (200) and one that does not (404, a problem).
import autocannon from "autocannon";

export interface SteadyLoadSpec {
  url: string;
  amount: number;
  connections: number;
}

const spec = JSON.parse(process.argv[2]!) as SteadyLoadSpec;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  amount: spec.amount,
  requests: [
    { method: "GET", path: "/user/alice" },
    { method: "GET", path: "/user/nobody" },
  ],
});
console.log(JSON.stringify({ requests: result.requests.total, ok: result["2xx"], notFound: result["4xx"], errors: result.errors + result.timeouts + result["5xx"] }));
