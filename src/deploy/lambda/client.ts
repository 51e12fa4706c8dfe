import { LambdaClient } from "@aws-sdk/client-lambda";
import type { Progress } from "./options.js";

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
