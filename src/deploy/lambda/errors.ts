/**
 * How a deploy reads AWS's failures: a ResourceNotFoundException is a state (absent), a
 * ResourceConflictException is retried, and any other failure becomes one line to show.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DeployContext } from "./context.js";

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

/** Reads "does not exist" as `undefined`: for a deploy, absence is a state, not a failure. */
export async function notFoundAsUndefined<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

/**
 * Retries `call` while Lambda answers ResourceConflictException ("an update is in progress"),
 * which AWS documents as "wait and retry" but which the SDK's retry strategy does not retry
 * (it retries throttling — 429 and TooManyRequestsException, ThrottlingException — and 5xx).
 * Backoff doubles from `firstDelayMs` with full jitter.
 */
export async function retryOnConflict<T>(
  call: () => Promise<T>,
  { attempts = 6, firstDelayMs = 1000, onRetry }: RetryOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (attempt >= attempts) {
        const message = (error as Error).message.split("\n")[0];
        throw new DeployError(`the function stayed busy with another update through ${attempts} tries (ResourceConflictException): ${message}`);
      }
      const delay = Math.random() * firstDelayMs * 2 ** (attempt - 1);
      onRetry?.(attempt, delay);
      await sleep(delay);
    }
  }
}

interface RetryOptions {
  attempts?: number;
  firstDelayMs?: number;
  onRetry?: (attempt: number, delayMs: number) => void;
}

function isConflict(error: unknown): boolean {
  return error instanceof Error && error.name === "ResourceConflictException";
}

/** The conflict retry a deploy step uses: its pacing, and each retry shown as a step. */
export function conflictRetryFor(ctx: DeployContext): RetryOptions {
  return {
    firstDelayMs: ctx.pacing.conflictDelayMs,
    onRetry: (attempt, delayMs) =>
      ctx.progress(`another update is in progress (ResourceConflictException): retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`),
  };
}
