/** $LATEST: created or updated to the options, and waited for until Lambda has applied each change. */
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import { codeChanges, codeSha256, configurationChanges, desiredConfiguration } from "./configuration.js";
import type { DeployContext } from "./context.js";
import { conflictRetryFor, DeployError, notFoundAsUndefined, retryOnConflict } from "./errors.js";
import type { LambdaDeployOptions } from "./options.js";

/**
 * Makes $LATEST hold the options' code and settings: creates the function, or updates its code
 * and then its configuration (each waited for, since Lambda takes one change at a time), or
 * leaves it alone when the CodeSha256 and every setting already match.
 */
export async function ensureFunction(ctx: DeployContext, options: LambdaDeployOptions): Promise<{ changed: boolean }> {
  const { client, progress } = ctx;
  const name = options.name;
  const sha256 = codeSha256(options.zip);
  const retry = conflictRetryFor(ctx);

  const current = await notFoundAsUndefined(client.send(new GetFunctionCommand({ FunctionName: name })));
  const configuration: FunctionConfiguration | undefined = current?.Configuration;
  if (!configuration) {
    if (!options.role) throw new DeployError(`function ${name} does not exist yet: pass --role <execution role ARN> to create it`);
    progress(`creating function ${name} (${options.runtime}, ${options.architecture}, ${options.memory} MB, ${options.timeout} s)`);
    await retryOnConflict(
      () =>
        client.send(
          new CreateFunctionCommand({
            ...desiredConfiguration(options),
            Role: options.role,
            Code: { ZipFile: options.zip },
            Architectures: [options.architecture],
            PackageType: "Zip",
          }),
        ),
      retry,
    );
    await untilActive(ctx, name);
    return { changed: true };
  }

  const code = codeChanges(configuration, sha256, options);
  if (code.length > 0) {
    progress(`updating ${code.join(" and ")} of ${name}`);
    await retryOnConflict(
      () => client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: options.zip, Architectures: [options.architecture] })),
      retry,
    );
    await untilUpdated(ctx, name);
  }
  const settings = configurationChanges(configuration, options);
  if (settings.length > 0) {
    progress(`updating ${settings.join(", ")} of ${name}`);
    await retryOnConflict(() => client.send(new UpdateFunctionConfigurationCommand(desiredConfiguration(options, configuration))), retry);
    await untilUpdated(ctx, name);
  }
  const changed = code.length + settings.length > 0;
  if (!changed) progress(`function ${name}: code and configuration unchanged`);
  return { changed };
}

/** Until a new function's State is Active (Lambda creates it Pending). */
function untilActive(ctx: DeployContext, name: string): Promise<void> {
  return awaitState(ctx, name, "creation", waitUntilFunctionActiveV2);
}

/** Until LastUpdateStatus is Successful: Lambda refuses the next change while one is InProgress. */
function untilUpdated(ctx: DeployContext, name: string): Promise<void> {
  return awaitState(ctx, name, "update", waitUntilFunctionUpdatedV2);
}

type Waiter = typeof waitUntilFunctionUpdatedV2;

/** Polls with the SDK waiter until the function leaves its pending state; a failed state is a DeployError with Lambda's reason. */
async function awaitState(ctx: DeployContext, name: string, what: string, waiter: Waiter): Promise<void> {
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
