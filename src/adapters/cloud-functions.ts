/**
 * Google Cloud Functions (Cloud Run functions): an HTTP function `(req, res)` for
 * `@google-cloud/functions-framework`. The framework is Express on node:http, so the request
 * and response are Node's own and the Node server's native reading and writing (node-http)
 * serve here too; what differs is the body, which the framework's body parser has already read.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { freshId } from "../core/fresh-id.js";
import { handle, prepare, type AppOptions, type Prepared } from "../core/handle.js";
import { tooLarge } from "../core/problems.js";
import type { App } from "../core/routes.js";
import type { BodyReader, Context } from "../core/types.js";
import { googleSink, traceFieldsFor } from "./google-trace.js";
import { incomingOf, NodeHttpPlatform, rawOn, readLimited, respond, type NodeRaw } from "./node-http.js";
import { openTelemetry } from "./otel.js";

/** The framework's request as jobwrap reads it: Node's request and the body bytes it kept. */
export interface CloudFunctionsRequest extends IncomingMessage {
  /** The body exactly as sent (after content-encoding), kept by the framework's body parser. */
  rawBody?: Buffer | undefined;
}

/** The framework's request and response behind a job's request, for what jobwrap does not map; undefined on another platform. */
export function raw(ctx: Pick<Context, "platform" | "raw">): NodeRaw<CloudFunctionsRequest> | undefined {
  return rawOn<CloudFunctionsRequest>("cloud-functions", ctx);
}

/** An HTTP function, as `functions.http(name, fn)` and `--target` take it. */
export type HttpFunction = (req: CloudFunctionsRequest, res: ServerResponse) => void;

export interface CloudFunctionsOptions extends AppOptions {
  /**
   * The function's timeout in milliseconds (`gcloud functions deploy --timeout`). Jobs answer
   * 504 shortly before it, rather than being cut off by the platform. Default:
   * `CLOUD_RUN_TIMEOUT_SECONDS` (which the framework reads too), else 60 s, the platform's default.
   */
  functionTimeout?: number;
  /** The project whose traces the log lines link to. Default: `GOOGLE_CLOUD_PROJECT`, else `GCLOUD_PROJECT`, else the metadata server's. */
  projectId?: string;
}

const defaultFunctionTimeout = 60_000;

function timeoutFromEnv(): number | undefined {
  const seconds = Number(process.env["CLOUD_RUN_TIMEOUT_SECONDS"]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** How long before the platform's timeout a job answers 504: long enough to write it. */
function marginOf(functionTimeout: number): number {
  return Math.min(1000, functionTimeout / 10);
}

/**
 * The body the framework already read, held to `limit`. It parses every body that has a
 * content-type and keeps its bytes as `rawBody`; one without a content-type is still unread.
 */
function bodyReaderOf(req: CloudFunctionsRequest): BodyReader {
  return async (limit) => {
    const raw = req.rawBody;
    if (raw !== undefined) {
      if (raw.length > limit) throw tooLarge(limit);
      return raw;
    }
    if (!req.readableEnded) return readLimited(req, limit);
    // Someone read the stream and kept no copy (an Express app's own body parser, say).
    throw new Error("the request body was read before jobwrap and not kept as req.rawBody");
  };
}

/** A function has no drain of its own to announce: only a refused or unread body closes its connection (send). */
const neverClosing = () => false;

function httpFunction(prepared: Prepared, options: CloudFunctionsOptions): HttpFunction {
  const functionTimeout = options.functionTimeout ?? timeoutFromEnv() ?? defaultFunctionTimeout;
  const budget = functionTimeout - marginOf(functionTimeout);
  const traceFields = traceFieldsFor(options.projectId, process.env);
  return (req, res) => {
    // Google's front end gives every request a trace: the id its log lines are filed under.
    const trace = traceFields(req.headers);
    const deadline = Date.now() + budget;
    const platform = new NodeHttpPlatform("cloud-functions", process.env, res, undefined, trace?.traceId, deadline, trace?.fields, true);
    respond(res, handle(prepared, incomingOf(req, bodyReaderOf(req)), platform), neverClosing, prepared);
  };
}

/** The app as an HTTP function: `export const users = wrap(api)`, deployed with `--entry-point=users`. */
export function wrap(app: App, options: CloudFunctionsOptions = {}): HttpFunction {
  return httpFunction(prepare(app, options, { sink: googleSink, levels: [process.env["LOG_LEVEL"]], tracer: openTelemetry("cloud-functions"), freshId }), options);
}

interface FunctionsFramework {
  http(name: string, fn: HttpFunction): void;
}

/**
 * Wraps the app and registers it with the framework under `name`, as `functions.http` does:
 * `register("users", api)` serves `--target=users`. The framework (an optional peer) is
 * loaded only here, when called, so `wrap` alone never needs it installed.
 */
export function register(name: string, app: App, options?: CloudFunctionsOptions): HttpFunction {
  const fn = wrap(app, options);
  const framework = createRequire(import.meta.url)("@google-cloud/functions-framework") as FunctionsFramework;
  framework.http(name, fn);
  return fn;
}
