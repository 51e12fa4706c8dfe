/** The alias traffic goes through: which version it should route to (published only when needed), and moving it there. */
import {
  CreateAliasCommand,
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  type AliasConfiguration,
} from "@aws-sdk/client-lambda";
import { codeChanges, codeSha256, configurationChanges } from "./configuration.js";
import type { DeployContext } from "./context.js";
import { conflictRetryFor, notFoundAsUndefined, retryOnConflict } from "./errors.js";
import type { LambdaDeployOptions } from "./options.js";

export function getAlias(ctx: DeployContext, functionName: string, alias: string): Promise<AliasConfiguration | undefined> {
  return notFoundAsUndefined(ctx.client.send(new GetAliasCommand({ FunctionName: functionName, Name: alias })));
}

/** The newest version the alias sends traffic to: its canary if it has one, else its version. */
function aliasTarget(alias: AliasConfiguration): string | undefined {
  return canaryOf(alias)?.version ?? alias.FunctionVersion;
}

/** The one extra version an alias's routing weights send a share of traffic to. */
export function canaryOf(alias: AliasConfiguration): { version: string; weight: number } | undefined {
  const [entry] = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
  return entry && { version: entry[0], weight: entry[1] };
}

/** Where the alias should point: all traffic to one version, or a share to a second one. */
interface Routing {
  version: string;
  canary?: { version: string; weight: number } | undefined;
}

/**
 * Routing for a deploy of `version`: all of it, or with `canaryPercent` a share of the traffic
 * beside the version the alias serves now (a first deploy has no other version: all of it).
 */
export function routingFor(current: AliasConfiguration | undefined, version: string, canaryPercent?: number): Routing {
  const stable = current?.FunctionVersion;
  if (canaryPercent === undefined || !stable || stable === version) return { version };
  return { version: stable, canary: { version, weight: canaryPercent / 100 } };
}

/**
 * Creates the alias or moves it to `routing`, or leaves it when it already routes so; retried
 * whole on a conflict, so each try says again what it does.
 */
export function routeAlias(
  ctx: DeployContext,
  functionName: string,
  aliasName: string,
  current: AliasConfiguration | undefined,
  routing: Routing,
): Promise<void> {
  return retryOnConflict(async () => {
    const weights = routing.canary ? { [routing.canary.version]: routing.canary.weight } : {};
    const describe = routing.canary
      ? `${Math.round(routing.canary.weight * 1000) / 10}% to version ${routing.canary.version}, the rest to version ${routing.version}`
      : `all traffic to version ${routing.version}`;
    if (!current) {
      ctx.progress(`creating alias ${aliasName}: ${describe}`);
      await ctx.client.send(
        new CreateAliasCommand({
          FunctionName: functionName,
          Name: aliasName,
          FunctionVersion: routing.version,
          ...(routing.canary && { RoutingConfig: { AdditionalVersionWeights: weights } }),
        }),
      );
      return;
    }
    const canary = canaryOf(current);
    const same =
      current.FunctionVersion === routing.version &&
      canary?.version === routing.canary?.version &&
      canary?.weight === routing.canary?.weight;
    if (same) {
      ctx.progress(`alias ${aliasName} already sends ${describe}`);
      return;
    }
    ctx.progress(`moving alias ${aliasName}: ${describe}`);
    await ctx.client.send(
      new UpdateAliasCommand({
        FunctionName: functionName,
        Name: aliasName,
        FunctionVersion: routing.version,
        // An empty map is how Lambda is told to drop the weights.
        RoutingConfig: { AdditionalVersionWeights: weights },
        // Refuses the move if someone else moved the alias since we read it.
        RevisionId: current.RevisionId,
      }),
    );
  }, conflictRetryFor(ctx));
}

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
