// What a load generator prints: autocannon's result, summarised as one JSON line.
import type autocannon from "autocannon";

export interface LoadResult {
  rps: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export function summaryOf(result: autocannon.Result): LoadResult {
  return {
    // Total over the run's own duration: autocannon's per-second average has no whole second to
    // average in a quick run's one-second loads.
    rps: result.requests.total / result.duration,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
