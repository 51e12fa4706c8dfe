import { setTimeout as sleep } from "node:timers/promises";
import type { DeployContext } from "./context.js";
import { DeployError } from "./errors.js";

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

export interface RetryOptions {
  attempts?: number;
  firstDelayMs?: number;
  onRetry?: (attempt: number, delayMs: number) => void;
}

export function isConflict(error: unknown): boolean {
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
