import type { Runtime } from "@aws-sdk/client-lambda";

/**
 * What `jobwrap deploy lambda` is asked to make true. Every field but `role` is declarative:
 * a re-deploy sets the function back to these values, so the flags are the whole truth.
 */
export interface LambdaDeployOptions {
  /** The function's name. */
  name: string;
  /** The deployment zip's bytes (from `--zip` or from `jobwrap build lambda`). */
  zip: Uint8Array;
  /** `file.export` inside the zip. */
  handler: string;
  /** Execution role ARN: required to create the function; kept as it is when omitted on update. */
  role?: string | undefined;
  /** nodejs22.x or later (see `nodeRuntimes`). */
  runtime: Runtime;
  architecture: "arm64" | "x86_64";
  memory: number;
  timeout: number;
  env: Record<string, string>;
  /** The alias that traffic (and the Function URL) goes through. */
  alias: string;
  /** Send this percentage of the alias's traffic to the new version, the rest to the current one. */
  canary?: number | undefined;
  url: FunctionUrlMode;
  /**
   * Origins the Function URL's own CORS allows: Lambda then answers preflights and adds the CORS
   * headers itself. Use it or the app's `cors()`, not both. None: the URL has no CORS of its own.
   */
  urlCors?: readonly string[] | undefined;
}

/** `none`: public (AuthType NONE); `iam`: signed requests only (AWS_IAM); `off`: no Function URL. */
export type FunctionUrlMode = "none" | "iam" | "off";

/** Reports each step as it happens, one line each. */
export type Progress = (line: string) => void;

export const defaults = {
  handler: "index.handler",
  // nodejs24.x is the newest Node runtime Lambda runs generally; the SDK's enum lists it.
  runtime: "nodejs24.x" as Runtime,
  // The bundle is plain JavaScript, so the cheaper Graviton machines run it as well.
  architecture: "arm64",
  memory: 512,
  timeout: 10,
  alias: "live",
  url: "none",
} as const;
