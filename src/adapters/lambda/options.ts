/** The adapter's options, and the path settings read from them once when a handler is made. */
import type { AppOptions } from "../../core/handle.js";

export interface PathOptions {
  /**
   * A path prefix to remove before routing, for a custom domain whose API mapping adds one
   * (`/api` makes `/api/user/Alice` route as `/user/Alice`). Default: none.
   */
  basePath?: string;
  /**
   * Remove a named HTTP API stage (`/prod/...`) from the start of `rawPath`. The `$default`
   * stage has none. Default `true`.
   */
  stripStage?: boolean;
}

export interface LambdaOptions extends AppOptions, PathOptions {
  /**
   * Milliseconds kept back from the time Lambda gives the invocation, so a job past its
   * deadline still answers 504 before Lambda ends it. Default 500, or a quarter of the time
   * left when that is less.
   */
  safetyMargin?: number;
}

/** `PathOptions` with the defaults filled in and the base path normalised, as every event's reader takes them. */
export interface PathSettings {
  basePath: string | undefined;
  stripStage: boolean;
}

export function pathSettings(options: PathOptions): PathSettings {
  return { basePath: normalBasePath(options.basePath), stripStage: options.stripStage ?? true };
}

/** `api/v1/` → `/api/v1`; empty or `/` means none. */
function normalBasePath(basePath: string | undefined): string | undefined {
  if (!basePath) return undefined;
  let base = basePath.startsWith("/") ? basePath : "/" + basePath;
  while (base.endsWith("/")) base = base.slice(0, -1);
  return base === "" ? undefined : base;
}
