/**
 * `bearer(check)`: the extractor of an `Authorization: Bearer` token, refusing with 401 without
 * one, and documented in OpenAPI as the HTTP bearer security scheme it is.
 */
import { HttpError } from "./http-error.js";
import type { Extractor } from "./job.js";
import type { Context, Env } from "./types.js";

/** An OpenAPI security scheme object (`{ type: "http", scheme: "bearer" }`, an API key, …). */
export type SecurityScheme = Record<string, unknown> & { type: string };

/** An extractor that is also a security scheme: OpenAPI lists it in `securitySchemes` and each operation's `security`. */
export type SecuredExtractor<T = unknown, E = Env> = Extractor<T, E> & { readonly securityScheme: SecurityScheme };

/** Marks an extractor as the security scheme it checks, for the OpenAPI document. */
export function secured<T, E = Env>(extractor: Extractor<T, E>, scheme: SecurityScheme): SecuredExtractor<T, E> {
  return Object.assign(extractor, { securityScheme: scheme });
}

const challenge = { "www-authenticate": 'Bearer realm="api"' };

/**
 * The bearer token, or what `check` makes of it (a user, a tenant). `check` refuses a token by
 * returning `undefined`, `null` or `false`, or by throwing an HttpError; either way, 401.
 */
export function bearer<T = string, E = Env>(
  check?: (token: string, ctx: Context<E>) => T | undefined | null | false | Promise<T | undefined | null | false>,
): SecuredExtractor<T, E> {
  return secured<T, E>(
    async (req, ctx) => {
      const auth = req.headers.authorization;
      const token = auth && /^bearer +/i.exec(auth) ? auth.replace(/^bearer +/i, "").trim() : "";
      if (!token) throw new HttpError(401, "A bearer token is required", { headers: challenge });
      if (!check) return token as T;
      const value = await check(token, ctx);
      if (value === undefined || value === null || value === false) {
        throw new HttpError(401, "The bearer token is not valid", { headers: { "www-authenticate": 'Bearer realm="api", error="invalid_token"' } });
      }
      return value;
    },
    { type: "http", scheme: "bearer" },
  );
}
