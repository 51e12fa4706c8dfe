// What a load generator prints as one JSON line (wrk's for the Node servers, bench/node/load.ts), and
// autocannon's result summarised the same way (the big-body part, bench/bodies/load.ts).
import type autocannon from "autocannon";

export interface LoadResult {
  rps: number;
  /** Milliseconds, to the microsecond (see `responseTimes`). */
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

/**
 * Each 2xx response's time, in ms to the microsecond, as the run goes. autocannon's own
 * histogram keeps whole milliseconds, so at these rates its p99 read 0 or 1 ms for every
 * contestant and a target on it was decided by rounding; its tracker reports each response's
 * time from `process.hrtime` (the `response` event), and these are kept for the 2xx answers
 * only, as autocannon's histogram keeps them.
 */
export function responseTimes(tracker: autocannon.Tracker): number[] {
  const times: number[] = [];
  tracker.on("response", (_client, statusCode, _bytes, ms) => {
    if (statusCode >= 200 && statusCode < 300) times.push(ms);
  });
  return times;
}

/** The `p`-th percentile (nearest rank) of `values`; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function summaryOf(result: autocannon.Result, times: readonly number[]): LoadResult {
  return {
    // Total over the run's own duration: autocannon's per-second average has no whole second to
    // average in a quick run's one-second loads.
    rps: result.requests.total / result.duration,
    p99: percentile(times, 99),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
