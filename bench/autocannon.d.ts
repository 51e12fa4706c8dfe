// The part of autocannon 9's API the bench uses (the package ships no types).
declare module "autocannon" {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      /** A number of requests to send instead of a duration. */
      amount?: number;
      requests?: Request[];
    }
    interface Histogram {
      average: number;
      p99: number;
      total: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      non2xx: number;
      "2xx": number;
      "4xx": number;
      "5xx": number;
      errors: number;
      timeouts: number;
      /** Seconds the run took, to 0.01 s. */
      duration: number;
    }
    /** The run: its result when awaited, and an event per response as it goes. */
    interface Tracker extends PromiseLike<Result> {
      /** `ms`: the response's time from its request, from `process.hrtime` (fractional). */
      on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): this;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Tracker;
  export default autocannon;
}
