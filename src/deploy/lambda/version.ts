import { GetFunctionConfigurationCommand, PublishVersionCommand, type AliasConfiguration } from "@aws-sdk/client-lambda";
import { codeSha256 } from "./code-sha256.js";
import { codeChanges, configurationChanges } from "./configuration.js";
import type { DeployContext } from "./context.js";
import type { LambdaDeployOptions } from "./options.js";
import { conflictRetryFor, retryOnConflict } from "./retry.js";
import { aliasTarget } from "./alias.js";

/**
 * The version the alias should route to: the one it already routes to when $LATEST is
 * unchanged and that version holds the same code and settings (so a re-deploy publishes
 * nothing), else a version published now from $LATEST.
 */
export async function versionToRoute(
  ctx: DeployContext,
  options: LambdaDeployOptions,
  functionChanged: boolean,
  alias: AliasConfiguration | undefined,
): Promise<string> {
  const candidate = alias && aliasTarget(alias);
  if (!functionChanged && candidate) {
    const version = await ctx.client.send(new GetFunctionConfigurationCommand({ FunctionName: options.name, Qualifier: candidate }));
    const same =
      codeChanges(version, codeSha256(options.zip), options).length === 0 && configurationChanges(version, options).length === 0;
    if (same) {
      ctx.progress(`version ${candidate} already holds this code and configuration`);
      return candidate;
    }
  }
  const published = await retryOnConflict(
    // CodeSha256 makes Lambda refuse to publish if someone else changed $LATEST meanwhile.
    () => ctx.client.send(new PublishVersionCommand({ FunctionName: options.name, CodeSha256: codeSha256(options.zip) })),
    conflictRetryFor(ctx),
  );
  ctx.progress(`published version ${published.Version}`);
  return published.Version!;
}
