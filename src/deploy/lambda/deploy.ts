import { canaryOf, getAlias, routeAlias, routingFor, versionToRoute } from "./alias.js";
import { connect, realPacing, type ClientOptions, type DeployContext, type Pacing } from "./context.js";
import { DeployError } from "./errors.js";
import { ensureFunction } from "./function.js";
import { ensureFunctionUrl } from "./function-url.js";
import type { LambdaDeployOptions, Progress } from "./options.js";

export interface DeployResult {
  /** The version the alias now sends (all, or with a canary the new share of) traffic to. */
  version: string;
  url?: string | undefined;
}

/**
 * The whole deploy, in the order Lambda needs it: $LATEST (created or updated, and settled),
 * a version of it (published only when something changed), the alias moved to that version
 * (all at once, or as a canary), then the alias's Function URL and its permissions.
 */
export async function deployLambda(
  options: LambdaDeployOptions,
  connection: ClientOptions,
  progress: Progress,
  pacing: Pacing = realPacing,
): Promise<DeployResult> {
  return withContext(connection, progress, pacing, async (ctx) => {
    const { changed } = await ensureFunction(ctx, options);
    const alias = await getAlias(ctx, options.name, options.alias);
    const version = await versionToRoute(ctx, options, changed, alias);
    const routing = routingFor(alias, version, options.canary);
    if (options.canary !== undefined && !routing.canary) {
      progress(`no earlier version behind alias ${options.alias} to share traffic with: sending it all to version ${version}`);
    }
    await routeAlias(ctx, options.name, options.alias, alias, routing);
    const url = await ensureFunctionUrl(ctx, options.name, options.alias, options.url, options.urlCors);
    return { version, url };
  });
}

/**
 * Ends a canary: the alias sends all its traffic to the version that had the canary's share.
 * Its connection, progress and pacing parameters repeat `deployLambda`'s: the CLI hands either the same ones.
 */
export async function promoteCanary(
  target: { name: string; alias: string },
  connection: ClientOptions,
  progress: Progress,
  pacing: Pacing = realPacing,
): Promise<DeployResult> {
  return withContext(connection, progress, pacing, async (ctx) => {
    const alias = await getAlias(ctx, target.name, target.alias);
    if (!alias) throw new DeployError(`alias ${target.alias} of ${target.name} does not exist: deploy first`);
    const canary = canaryOf(alias);
    if (!canary) {
      progress(`alias ${target.alias} has no canary: it sends all traffic to version ${alias.FunctionVersion}`);
      return { version: alias.FunctionVersion! };
    }
    await routeAlias(ctx, target.name, target.alias, alias, { version: canary.version });
    return { version: canary.version };
  });
}

/** Runs `steps` with a connected client, closed afterwards whatever happens. */
async function withContext<T>(
  connection: ClientOptions,
  progress: Progress,
  pacing: Pacing,
  steps: (ctx: DeployContext) => Promise<T>,
): Promise<T> {
  const ctx: DeployContext = { client: await connect(connection, progress), progress, pacing };
  try {
    return await steps(ctx);
  } finally {
    ctx.client.destroy();
  }
}
