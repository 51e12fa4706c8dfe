/** The adapter's own options, settled once when the handler is made. */
import { normalBasePath } from "./request.js";

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

export interface Settings {
  basePath: string | undefined;
  stripStage: boolean;
}

export function settle(options: PathOptions): Settings {
  return { basePath: normalBasePath(options.basePath), stripStage: options.stripStage ?? true };
}
