/** A deploy failure whose message is already the one line to show. */
export class DeployError extends Error {
  override name = "DeployError";
}

/**
 * One line for any failure of a deploy: the AWS error's name tells what happened, and the
 * advice says what to do. AWS's own messages name the action and resource, never a secret.
 */
export function describeDeployError(error: unknown): string {
  if (!(error instanceof Error)) return `deploy failed: ${String(error)}`;
  const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts;
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : "";
  const message = error.message.split("\n")[0];
  switch (error.name) {
    case "DeployError":
      return error.message;
    case "CredentialsProviderError":
      return "no AWS credentials found: set AWS_PROFILE (after `aws configure` or `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    case "UnrecognizedClientException":
    case "InvalidSignatureException":
    case "ExpiredTokenException":
      return `AWS rejected the credentials (${error.name}): ${message}`;
    case "AccessDeniedException":
    case "AccessDenied":
      return `access denied (${error.name}): ${message}`;
    case "ResourceConflictException":
      return `the function is busy with another update (ResourceConflictException)${tries}; try again in a minute: ${message}`;
    case "TooManyRequestsException":
    case "ThrottlingException":
      return `AWS is throttling Lambda API calls (${error.name})${tries}; try again later: ${message}`;
    default:
      if (/region is missing/i.test(error.message)) return "no AWS region: pass --region or set AWS_REGION";
      return `${error.name}: ${message}`;
  }
}
