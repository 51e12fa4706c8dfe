import {
  CreateFunctionCommand,
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import { codeSha256 } from "./code-sha256.js";
import { codeChanges, configurationChanges, desiredConfiguration } from "./configuration.js";
import type { DeployContext } from "./context.js";
import { DeployError } from "./errors.js";
import { notFoundAsUndefined } from "./not-found.js";
import type { LambdaDeployOptions } from "./options.js";
import { conflictRetryFor, retryOnConflict } from "./retry.js";
import { untilActive, untilUpdated } from "./wait.js";

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
