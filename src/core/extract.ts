import { parseCookies } from "./cookies.js";
import { isHttpError, type FieldError } from "./http-error.js";
import { acceptOf } from "./media-types.js";
import { invalidRequest, unreadablePart } from "./problems.js";
import type { Accepted, AnyJob, Extractor, Schema } from "./job.js";
import { decodeParams, parseQuery, readBody } from "./parts.js";
import type { Context, Incoming } from "./types.js";
import { check, type Checked } from "./validate.js";

type Part = "params" | "query" | "headers" | "cookies" | "body";

/**
 * What a job reads and the limits it runs under, its options and the app's defaults resolved:
 * worked out once per job and app (`prepare` keeps them) rather than on every request.
 */
export interface Plan {
  job: AnyJob;
  extractors: [string, Extractor<unknown, unknown>][];
  /** In the order their issues are listed: params, query, headers, cookies, body. */
  parts: [Part, Schema][];
  accept: readonly Accepted[];
  bodyLimit: number;
  /** Milliseconds before the job answers 504, if it has a deadline of its own or the app's. */
  timeout: number | undefined;
  /** Proxies in front of the platform whose `X-Forwarded-For` entries `ctx.clientIp` reads. */
  trustedProxies: number;
  /** No extractor, no body, no async schema: the input is ready without awaiting anything. */
  sync: boolean;
}

export function planJob(job: AnyJob, defaults: { bodyLimit: number; timeout: number | undefined; trustedProxies: number }): Plan {
  const spec = job.spec as Record<string, unknown>;
  const extractors = Object.keys(spec)
    .filter((name) => typeof spec[name] === "function")
    .map((name): [string, Extractor<unknown, unknown>] => [name, spec[name] as Extractor<unknown, unknown>]);
  // Listed here rather than in a module constant: planned once per job, and a mutation test can then vary it.
  const partOrder: readonly Part[] = ["params", "query", "headers", "cookies", "body"];
  const parts = partOrder.filter((name) => job.spec[name]).map((name): [Part, Schema] => [name, job.spec[name]!]);
  return {
    job,
    extractors,
    parts,
    accept: acceptOf(job.options.accept),
    bodyLimit: job.options.bodyLimit ?? defaults.bodyLimit,
    timeout: job.options.timeout ?? defaults.timeout,
    trustedProxies: job.options.trustedProxies ?? defaults.trustedProxies,
    sync: extractors.length === 0 && parts.every(([name, schema]) => name !== "body" && !schema.async),
  };
}

function rawPart(name: Exclude<Part, "body">, params: Record<string, string>, incoming: Incoming): unknown {
  if (name === "params") return decodeParams(params);
  if (name === "query") return parseQuery(incoming.query);
  if (name === "cookies") return parseCookies(incoming.headers.cookie);
  return incoming.headers;
}

/**
 * Params, query and headers through their sync schemas: the common GET, with no promise in the
 * way. extractLaterAndRun repeats its loop with awaits on purpose: one await costs a small request more
 * than the loop.
 */
function extractNow(plan: Plan, params: Record<string, string>, incoming: Incoming): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  let errors: FieldError[] | undefined;
  for (const [name, schema] of plan.parts) {
    const checked = check(schema, rawPart(name as Exclude<Part, "body">, params, incoming), name) as Checked;
    if (checked.ok) input[name] = checked.value;
    else (errors ??= []).push(...checked.errors);
  }
  if (errors) throw invalidRequest(errors);
  return input;
}

/** Reads what must be awaited (extractors, the body, async schemas), then runs the job. */
async function extractLaterAndRun(
  plan: Plan,
  params: Record<string, string>,
  incoming: Incoming,
  ctx: Context,
): Promise<Awaited<ReturnType<AnyJob["run"]>>> {
  const input: Record<string, unknown> = {};
  // Extractors first: who is asking (a token, a tenant) is judged before what they sent.
  for (const [name, extractor] of plan.extractors) {
    try {
      input[name] = await extractor(incoming, ctx);
    } catch (error) {
      if (isHttpError(error)) throw error;
      ctx.log.warn(`extractor ${name} refused the request`, { error });
      throw unreadablePart(name);
    }
  }
  const errors: FieldError[] = [];
  for (const [name, schema] of plan.parts) {
    const raw = name === "body" ? await readBody(incoming, plan.accept, plan.bodyLimit) : rawPart(name, params, incoming);
    let checked = check(schema, raw, name);
    if (checked instanceof Promise) checked = await checked;
    if (checked.ok) input[name] = checked.value;
    else errors.push(...checked.errors);
  }
  if (errors.length > 0) throw invalidRequest(errors);
  // Awaited, not returned: an async function that returns a promise settles two ticks after it,
  // and a `.then` to run the job was one promise more.
  return await plan.job.run(input, ctx);
}

/**
 * Reads and validates what the job names, then runs it. Synchronous up to the job when the
 * job reads nothing that must be awaited; every failure is an HttpError (or the job's own).
 */
export function extractAndRun(
  plan: Plan,
  params: Record<string, string>,
  incoming: Incoming,
  ctx: Context,
): ReturnType<AnyJob["run"]> | Promise<Awaited<ReturnType<AnyJob["run"]>>> {
  const { job } = plan;
  if (plan.sync) return job.run(extractNow(plan, params, incoming), ctx);
  return extractLaterAndRun(plan, params, incoming, ctx);
}
