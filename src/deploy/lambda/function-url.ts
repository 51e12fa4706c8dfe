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
  type Cors,
  type FunctionUrlAuthType,
} from "@aws-sdk/client-lambda";
import type { DeployContext } from "./context.js";
import { conflictRetryFor, notFoundAsUndefined, retryOnConflict } from "./errors.js";
import type { FunctionUrlMode } from "./options.js";

type Target = { FunctionName: string; Qualifier: string };
type Statement = Omit<AddPermissionRequest, "FunctionName" | "Qualifier"> & { StatementId: string };

/** A function, not a module constant: what a test runs is what Stryker measures (issue 19). */
function authTypeOf(mode: Exclude<FunctionUrlMode, "off">): FunctionUrlAuthType {
  const authTypes: Record<Exclude<FunctionUrlMode, "off">, FunctionUrlAuthType> = { none: "NONE", iam: "AWS_IAM" };
  return authTypes[mode];
}

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
  origins?: readonly string[],
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

  const authType = authTypeOf(mode);
  const cors = origins && origins.length > 0 ? urlCors(origins) : undefined;
  let url = current?.FunctionUrl;
  if (!current) {
    progress(`creating a Function URL for ${functionName}:${alias} (auth ${authType}${cors ? `, CORS for ${origins!.join(", ")}` : ""})`);
    const config = { ...target, AuthType: authType, ...(cors ? { Cors: cors } : {}) };
    url = (await retryOnConflict(() => client.send(new CreateFunctionUrlConfigCommand(config)), retry)).FunctionUrl;
  } else {
    const authChanged = current.AuthType !== authType;
    const corsChanged = sameCors(current.Cors) !== sameCors(cors);
    if (authChanged) progress(`changing the Function URL's auth from ${current.AuthType} to ${authType}`);
    if (corsChanged) progress(cors ? `setting the Function URL's CORS for ${origins!.join(", ")}` : "removing the Function URL's CORS");
    if (authChanged || corsChanged) {
      // An empty Cors takes the old one away.
      const config = { ...target, AuthType: authType, ...(corsChanged ? { Cors: cors ?? {} } : {}) };
      url = (await retryOnConflict(() => client.send(new UpdateFunctionUrlConfigCommand(config)), retry)).FunctionUrl;
    } else {
      progress(`Function URL unchanged (auth ${authType})`);
    }
  }
  if (mode === "none") await ensureStatements(ctx, target, statements);
  else await removeStatements(ctx, target, statements);
  return url;
}

/**
 * The Function URL's own CORS for these origins: what jobwrap's `cors()` would say, so moving
 * from one to the other changes nothing a browser sees. Credentials are left off: with them,
 * AWS refuses a `*` origin, and a URL meant for several origins would need one each.
 */
function urlCors(origins: readonly string[]): Cors {
  return {
    AllowOrigins: [...origins],
    AllowMethods: ["*"],
    AllowHeaders: ["content-type", "authorization"],
    ExposeHeaders: ["x-request-id"],
    MaxAge: 600,
  };
}

/** A Cors as text to compare, absent and empty alike. */
function sameCors(cors: Cors | undefined): string {
  return cors && Object.keys(cors).length > 0 ? JSON.stringify(cors, Object.keys(cors).sort()) : "";
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
