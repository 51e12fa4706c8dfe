/** The alias's Function URL and the resource-based policy statements a public one needs. */
import {
  AddPermissionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
  type AddPermissionRequest,
  type FunctionUrlAuthType,
} from "@aws-sdk/client-lambda";
import type { DeployContext } from "./context.js";
import { conflictRetryFor, notFoundAsUndefined, retryOnConflict } from "./errors.js";
import type { FunctionUrlMode } from "./options.js";

type Target = { FunctionName: string; Qualifier: string };
type Statement = Omit<AddPermissionRequest, "FunctionName" | "Qualifier"> & { StatementId: string };

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

/**
 * What a public (AuthType NONE) Function URL needs in the function's resource-based policy.
 * Since October 2025 AWS requires both actions for new Function URLs: lambda:InvokeFunctionUrl
 * (limited to URLs with auth NONE) and lambda:InvokeFunction (limited, by the
 * lambda:InvokedViaFunctionUrl condition, to calls that come through a Function URL).
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
 */
function publicUrlStatements(alias: string): Statement[] {
  return [
    {
      StatementId: `jobwrap-url-public-${alias}`,
      Action: "lambda:InvokeFunctionUrl",
      Principal: "*",
      FunctionUrlAuthType: "NONE",
    },
    {
      StatementId: `jobwrap-url-invoke-${alias}`,
      Action: "lambda:InvokeFunction",
      Principal: "*",
      InvokedViaFunctionUrl: true,
    },
  ];
}

/** Adds the statements the policy lacks (found by their statement id). */
async function ensureStatements(ctx: DeployContext, target: Target, statements: Statement[]): Promise<void> {
  const present = await statementIds(ctx, target);
  const missing = statements.filter((statement) => !present.has(statement.StatementId));
  if (missing.length === 0) ctx.progress("public access permissions already in place");
  for (const statement of missing) {
    ctx.progress(`allowing public ${statement.Action} on ${target.FunctionName}:${target.Qualifier}`);
    await retryOnConflict(() => ctx.client.send(new AddPermissionCommand({ ...target, ...statement })), conflictRetryFor(ctx));
  }
}

/** Removes those of the statements the policy has. */
async function removeStatements(ctx: DeployContext, target: Target, statements: Statement[]): Promise<void> {
  const present = await statementIds(ctx, target);
  for (const { StatementId, Action } of statements.filter((statement) => present.has(statement.StatementId))) {
    ctx.progress(`removing public ${Action} from ${target.FunctionName}:${target.Qualifier}`);
    await retryOnConflict(
      () => ctx.client.send(new RemovePermissionCommand({ ...target, StatementId })),
      conflictRetryFor(ctx),
    );
  }
}

async function statementIds(ctx: DeployContext, target: Target): Promise<Set<string>> {
  const policy = await notFoundAsUndefined(ctx.client.send(new GetPolicyCommand(target)));
  const parsed = policy?.Policy ? (JSON.parse(policy.Policy) as { Statement?: { Sid?: string }[] }) : {};
  return new Set((parsed.Statement ?? []).flatMap((statement) => (statement.Sid ? [statement.Sid] : [])));
}
