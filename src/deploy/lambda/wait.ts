import {
  GetFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import type { DeployContext } from "./context.js";
import { DeployError } from "./errors.js";

/** Until a new function's State is Active (Lambda creates it Pending). */
export function untilActive(ctx: DeployContext, name: string): Promise<void> {
  return settle(ctx, name, "creation", waitUntilFunctionActiveV2);
}

/** Until LastUpdateStatus is Successful: Lambda refuses the next change while one is InProgress. */
export function untilUpdated(ctx: DeployContext, name: string): Promise<void> {
  return settle(ctx, name, "update", waitUntilFunctionUpdatedV2);
}

type Waiter = typeof waitUntilFunctionUpdatedV2;

async function settle(ctx: DeployContext, name: string, what: string, waiter: Waiter): Promise<void> {
  ctx.progress(`waiting for the ${what} of ${name} to finish`);
  const { pollSeconds } = ctx.pacing;
  try {
    await waiter({ client: ctx.client, minDelay: pollSeconds, maxDelay: 30 * pollSeconds, maxWaitTime: 600 }, { FunctionName: name });
  } catch (error) {
    // The waiter's own error is a JSON dump; Lambda's reason for a failed state says more.
    const config = await ctx.client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    const reason = config.LastUpdateStatusReason ?? config.StateReason ?? (error as Error).name;
    throw new DeployError(`the ${what} of ${name} did not finish (State ${config.State}, LastUpdateStatus ${config.LastUpdateStatus}): ${reason}`);
  }
}
