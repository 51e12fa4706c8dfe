/**
 * Extractors shared by many jobs (a bearer check, a tenant): `use({ token: bearer(check) })`
 * makes jobs whose argument has them, typed, and a route table given it (`routes(table, { use })`)
 * runs them for every route, but a job's that opts out (`{ public: true }`, a health route).
 */
import { job, type Extractor, type Job, type JobOptions, type Run, type Spec } from "./job.js";
import type { Env } from "./types.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Extractors = Record<string, Extractor<any, any>>;

export interface Use<X extends Extractors> {
  readonly kind: "use";
  readonly extractors: X;
  /** `job`, with these extractors run first and their results in the argument. */
  job<const S extends Spec, E = Env>(spec: S, run: Run<S & X, E>, options?: JobOptions): Job<NoInfer<S & X>, E>;
}

export function use<const X extends Extractors>(extractors: X): Use<X> {
  for (const [name, extractor] of Object.entries(extractors)) {
    if (typeof extractor !== "function") throw new TypeError(`use: "${name}" must be an extractor function`);
  }
  return {
    kind: "use",
    extractors,
    // Spread first: who is asking is judged before the job's own parts and extractors.
    job: (spec, run, options) => job({ ...extractors, ...spec }, run as Run<Spec, Env>, options) as never,
  };
}
