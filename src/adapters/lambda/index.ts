/**
 * `jobwrap/lambda`: one handler for every HTTP event source Lambda has. API Gateway REST
 * (payload 1.0), HTTP APIs and Function URLs (payload 2.0) and Application Load Balancers are
 * told apart by the event itself, and each gets its result in the shape it accepts.
 *
 * ```ts
 * export const handler = wrap(api);
 * ```
 */
import { prepare } from "../../core/handle.js";
import { requestIdIn } from "../../core/problems.js";
import type { App } from "../../core/routes.js";
import type { Context, Outgoing } from "../../core/types.js";
import type { LambdaContext, LambdaHttpEvent, LambdaHttpResult, LambdaRaw } from "./events.js";
import { failureAnswer, Invocation, run, sourceOf } from "./invoke.js";
import { lambdaDefaults } from "./log.js";
import { pathSettings, type LambdaOptions } from "./options.js";
import { buffer, isBuffered, type Buffered } from "./response.js";

export type { LambdaOptions, PathOptions } from "./options.js";
export type {
  AlbEvent,
  AlbResult,
  ApiGatewayV1Event,
  ApiGatewayV1Result,
  ApiGatewayV2Event,
  ApiGatewayV2Result,
  EventKind,
  LambdaContext,
  LambdaHttpEvent,
  LambdaHttpResult,
  LambdaRaw,
} from "./events.js";
export { kindOf } from "./invoke.js";
export { wrapStream, type ResponseStream, type StreamingHandler } from "./stream.js";

/** The Lambda event and context behind a job's request, for what jobwrap does not map; undefined on another platform. */
export function raw(ctx: Pick<Context, "platform" | "raw">): LambdaRaw | undefined {
  return ctx.platform === "lambda" ? (ctx.raw as LambdaRaw) : undefined;
}

export type LambdaHandler = (event: LambdaHttpEvent, context?: LambdaContext) => Promise<LambdaHttpResult>;

/**
 * The Lambda handler for an app. `ctx.requestId` is the `awsRequestId`; the deadline is the
 * invocation's, less `safetyMargin`; `ctx.waitUntil` work is awaited before the result goes
 * back. A stream body is read whole: use `wrapStream` to stream through a Function URL.
 *
 * It resolves for every HTTP event, whatever its fields hold: a malformed one is answered 400,
 * any failure outside the job 500, each in its source's result shape. A rejection, which the
 * client would see as a bare 502, is left for an event that is no HTTP request at all.
 */
export function wrap(app: App, options: LambdaOptions = {}): LambdaHandler {
  const prepared = prepare(app, options, lambdaDefaults());
  const settings = pathSettings(options);
  const { safetyMargin } = options;
  let warned = false;
  const lost = (dropped: number) => {
    if (warned) return;
    warned = true;
    prepared.sink({
      severity: "WARNING",
      message: `an ALB target group in single-value header mode takes one set-cookie a response; ${dropped} more were dropped. Turn on multi-value headers for the target group.`,
    });
  };
  /** A stream that fails while it is read whole (core logged why): nothing has been sent yet, so a problem can still go. */
  const streamFailed = (answered: Outgoing, error: unknown, invocation: Invocation): Buffered => {
    return failureAnswer(prepared, error, invocation, requestIdIn(answered)) as Buffered;
  };
  return async (event, context) => {
    const { processor, reply } = sourceOf(event);
    const invocation = new Invocation(event, context, safetyMargin);
    let result: LambdaHttpResult;
    try {
      const answered = await run(prepared, processor, settings, invocation);
      const out = isBuffered(answered) ? answered : await buffer(answered).catch((error: unknown) => streamFailed(answered, error, invocation));
      result = reply(out, lost);
    } catch (error) {
      result = reply(failureAnswer(prepared, error, invocation) as Buffered, lost);
    }
    if (invocation.waiting) await invocation.awaitWork();
    return result;
  };
}
