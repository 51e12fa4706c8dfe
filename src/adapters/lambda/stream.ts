/**
 * Response streaming for Function URLs (invoke mode `RESPONSE_STREAM`): the status and headers
 * go first, as the prelude `awslambda.HttpResponseStream.from` writes, then the body as the job
 * produces it, so a stream body reaches the client chunk by chunk.
 */
import { prepare } from "../../core/handle.js";
import type { App } from "../../core/routes.js";
import type { Outgoing, OutgoingBody } from "../../core/types.js";
import type { LambdaContext, LambdaHttpEvent } from "./events.js";
import { failureAnswer, Invocation, run, sourceOf } from "./invoke.js";
import { lambdaDefaults } from "./log.js";
import { pathSettings, type LambdaOptions } from "./options.js";
import { headV2, type V2Head } from "./v2.js";

/** The writable Lambda's Node runtime hands a streaming handler. */
export interface ResponseStream {
  write(chunk: string | Uint8Array): boolean;
  end(callback?: () => void): void;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off?(event: string, listener: (...args: unknown[]) => void): unknown;
}

export type StreamingHandler = (event: LambdaHttpEvent, responseStream: ResponseStream, context?: LambdaContext) => Promise<void>;

/** The global the Lambda Node runtime (and `aws-lambda-ric`) defines before loading a handler. */
interface AwsLambdaGlobal {
  streamifyResponse<H>(handler: H, options?: { highWaterMark?: number }): H;
  HttpResponseStream: { from(stream: ResponseStream, prelude: V2Head): ResponseStream };
}

function runtime(): AwsLambdaGlobal | undefined {
  return (globalThis as { awslambda?: AwsLambdaGlobal }).awslambda;
}

function drained(stream: ResponseStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off?.("error", fail);
      resolve();
    };
    const fail = (error: unknown) => {
      stream.off?.("drain", done);
      reject(error as Error);
    };
    stream.once("drain", done);
    stream.once("error", fail);
  });
}

/** Writes the body; `started` is told just before the first write, which sends the prelude. */
async function writeBody(stream: ResponseStream, body: OutgoingBody, started: () => void): Promise<void> {
  // The prelude goes out on the first write, so an empty body still writes once.
  if (body === null || typeof body === "string" || body instanceof Uint8Array) {
    started();
    stream.write(body ?? "");
  } else {
    const reader = body.getReader();
    let wrote = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length === 0) continue;
      if (!wrote) started();
      wrote = true;
      if (!stream.write(value)) await drained(stream);
    }
    if (!wrote) {
      started();
      stream.write("");
    }
  }
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(resolve);
  });
}

/**
 * A streaming handler for a Function URL whose invoke mode is `RESPONSE_STREAM`, made with
 * `awslambda.streamifyResponse`, which Lambda's Node runtime defines. `ctx.waitUntil` work is
 * awaited after the response has ended, so the client does not wait for it.
 *
 * Like `wrap`, it answers every HTTP event: a malformed one 400, a failure outside the job 500,
 * as long as the prelude has not gone. After it has, the client holds a status already and only
 * the rejection, which the runtime sends as an error trailer, can tell it the body was cut short.
 */
export function wrapStream(app: App, options: LambdaOptions = {}): StreamingHandler {
  // Set up once per handler; `wrap` repeats these three lines because each handler keeps its own.
  const prepared = prepare(app, options, lambdaDefaults());
  const settings = pathSettings(options);
  const { safetyMargin } = options;
  const handler: StreamingHandler = async (event, responseStream, context) => {
    const awslambda = runtime();
    if (!awslambda) {
      throw new Error("jobwrap/lambda: wrapStream needs the Lambda Node.js runtime's awslambda global (HttpResponseStream)");
    }
    // Every answer goes out in payload 2.0's streaming prelude: only the reading is the source's.
    const { processor } = sourceOf(event);
    const invocation = new Invocation(event, context, safetyMargin);
    let started = false;
    const send = (out: Outgoing) =>
      writeBody(awslambda.HttpResponseStream.from(responseStream, headV2(out.status, out.headers)), out.body, () => (started = true));
    try {
      await send(await run(prepared, processor, settings, invocation));
    } catch (error) {
      if (started) throw error;
      await send(failureAnswer(prepared, error, invocation));
    } finally {
      await invocation.awaitWork();
    }
  };
  const awslambda = runtime();
  return awslambda ? awslambda.streamifyResponse(handler) : handler;
}
