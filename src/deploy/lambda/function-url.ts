import {
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  UpdateFunctionUrlConfigCommand,
  type FunctionUrlAuthType,
} from "@aws-sdk/client-lambda";
import type { DeployContext } from "./context.js";
import { notFoundAsUndefined } from "./not-found.js";
import type { FunctionUrlMode } from "./options.js";
import { publicUrlStatements, removeStatements, ensureStatements } from "./url-permissions.js";
import { conflictRetryFor, retryOnConflict } from "./retry.js";

const authTypes: Record<Exclude<FunctionUrlMode, "off">, FunctionUrlAuthType> = { none: "NONE", iam: "AWS_IAM" };

/**
 * Gives the alias a Function URL with the asked auth type (or takes it away for `off`), and the
 * resource-based policy that goes with it: public statements for NONE, none of ours for AWS_IAM
 * (callers then need lambda:InvokeFunctionUrl and lambda:InvokeFunction in their own policy).
 * Resolves to the URL, if there is one.
 */
export async function ensureFunctionUrl(
  ctx: DeployContext,
  functionName: string,
  alias: string,
  mode: FunctionUrlMode,
): Promise<string | undefined> {
  const { client, progress } = ctx;
  const target = { FunctionName: functionName, Qualifier: alias };
  const retry = conflictRetryFor(ctx);
  const current = await notFoundAsUndefined(client.send(new GetFunctionUrlConfigCommand(target)));
  const statements = publicUrlStatements(alias);

  if (mode === "off") {
    if (current) {
      progress(`removing the Function URL of ${functionName}:${alias}`);
      await retryOnConflict(() => client.send(new DeleteFunctionUrlConfigCommand(target)), retry);
    }
    await removeStatements(ctx, target, statements);
    return undefined;
  }

  const authType = authTypes[mode];
  let url = current?.FunctionUrl;
  if (!current) {
    progress(`creating a Function URL for ${functionName}:${alias} (auth ${authType})`);
    url = (await retryOnConflict(() => client.send(new CreateFunctionUrlConfigCommand({ ...target, AuthType: authType })), retry))
      .FunctionUrl;
  } else if (current.AuthType !== authType) {
    progress(`changing the Function URL's auth from ${current.AuthType} to ${authType}`);
    url = (await retryOnConflict(() => client.send(new UpdateFunctionUrlConfigCommand({ ...target, AuthType: authType })), retry))
      .FunctionUrl;
  } else {
    progress(`Function URL unchanged (auth ${authType})`);
  }
  if (mode === "none") await ensureStatements(ctx, target, statements);
  else await removeStatements(ctx, target, statements);
  return url;
}
