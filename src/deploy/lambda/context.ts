/** What every deploy step works with: a connected Lambda client, the progress lines and the pacing. */
import { LambdaClient } from "@aws-sdk/client-lambda";
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

export interface ClientOptions {
  /** Defaults to the SDK's chain: AWS_REGION, then the profile's region. */
  region?: string | undefined;
  /** Another Lambda API endpoint (LocalStack, a test's loopback server). */
  endpoint?: string | undefined;
}

/**
 * A Lambda client with credentials from the standard provider chain (environment, profile,
 * SSO, web identity, container or instance role), resolved here before any request so that
 * "no credentials" is one clear message rather than a failure halfway through a deploy.
 * The SDK's standard retry strategy (3 attempts, or AWS_MAX_ATTEMPTS / AWS_RETRY_MODE) covers
 * throttling (429, TooManyRequestsException, ThrottlingException) and 5xx answers.
 */
export async function connect({ region, endpoint }: ClientOptions, progress: Progress): Promise<LambdaClient> {
  const client = new LambdaClient({ region, endpoint });
  const resolvedRegion = await client.config.region();
  const credentials = await client.config.credentials();
  progress(`using AWS credentials ${mask(credentials.accessKeyId)} in ${resolvedRegion}`);
  return client;
}

/** Shows which key is in use without printing it: enough to tell two profiles apart. */
function mask(accessKeyId: string): string {
  return accessKeyId.length > 8 ? `${accessKeyId.slice(0, 4)}…${accessKeyId.slice(-4)}` : "****";
}
