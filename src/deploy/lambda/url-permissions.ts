import { AddPermissionCommand, GetPolicyCommand, RemovePermissionCommand, type AddPermissionRequest } from "@aws-sdk/client-lambda";
import type { DeployContext } from "./context.js";
import { notFoundAsUndefined } from "./not-found.js";
import { conflictRetryFor, retryOnConflict } from "./retry.js";

type Target = { FunctionName: string; Qualifier: string };
type Statement = Omit<AddPermissionRequest, "FunctionName" | "Qualifier"> & { StatementId: string };

/**
 * What a public (AuthType NONE) Function URL needs in the function's resource-based policy.
 * Since October 2025 AWS requires both actions for new Function URLs: lambda:InvokeFunctionUrl
 * (limited to URLs with auth NONE) and lambda:InvokeFunction (limited, by the
 * lambda:InvokedViaFunctionUrl condition, to calls that come through a Function URL).
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
 */
export function publicUrlStatements(alias: string): Statement[] {
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
export async function ensureStatements(ctx: DeployContext, target: Target, statements: Statement[]): Promise<void> {
  const present = await statementIds(ctx, target);
  const missing = statements.filter((statement) => !present.has(statement.StatementId));
  if (missing.length === 0) ctx.progress("public access permissions already in place");
  for (const statement of missing) {
    ctx.progress(`allowing public ${statement.Action} on ${target.FunctionName}:${target.Qualifier}`);
    await retryOnConflict(() => ctx.client.send(new AddPermissionCommand({ ...target, ...statement })), conflictRetryFor(ctx));
  }
}

/** Removes those of the statements the policy has. */
export async function removeStatements(ctx: DeployContext, target: Target, statements: Statement[]): Promise<void> {
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
