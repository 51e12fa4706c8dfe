import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { Progress } from "./options.js";

/** What every deploy step needs besides its options. */
export interface DeployContext {
  client: LambdaClient;
  progress: Progress;
  pacing: Pacing;
}

/** How long to wait between polls and before retrying a conflict; tests shorten these. */
export interface Pacing {
  /** The SDK waiters' first delay, in seconds (they back off from it). */
  pollSeconds: number;
  /** The first delay before retrying a ResourceConflictException, in milliseconds. */
  conflictDelayMs: number;
}

export const realPacing: Pacing = { pollSeconds: 1, conflictDelayMs: 1000 };
