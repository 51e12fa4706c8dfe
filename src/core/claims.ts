/**
 * Extractors for what the platform verified of the caller before the job runs (an API Gateway
 * JWT, Cognito or Lambda authorizer, a Function URL's IAM signer): `ctx.identity`, checked
 * with a valibot schema like any request part.
 */
import type { InferOutput } from "valibot";
import type { Extractor, Schema } from "./job.js";
import { claimsRefused, missingScopes, noIdentity } from "./problems.js";
import type { FieldError } from "./http-error.js";
import type { Context, Identity } from "./types.js";
import { check, type Checked } from "./validate.js";

export interface ClaimsOptions {
  /** Scopes the caller's token must all hold (a JWT's `scope`/`scp`, HTTP API's `scopes`): else 403. */
  scopes?: readonly string[];
}

/**
 * The caller's verified claims, validated by `schema`: `job({ caller: authorizerClaims(Claims) }, …)`.
 * No verified identity at all, or a required claim missing: 401. A claim the schema refuses, or a
 * scope the token lacks: 403. Pointers name the claims (`/claims/sub`), never their values.
 */
export function authorizerClaims<S extends Schema>(schema: S, options: ClaimsOptions = {}): Extractor<InferOutput<S>> {
  const required = options.scopes ?? [];
  return (_req, ctx: Context) => {
    const identity = ctx.identity;
    if (identity === undefined) throw noIdentity();
    const lacking = required.filter((scope) => !identity.scopes.includes(scope));
    if (lacking.length > 0) throw missingScopes(lacking);
    const checked = check(schema, identity.claims, "claims");
    return checked instanceof Promise ? checked.then((result) => judged(result, identity)) : judged(checked, identity);
  };
}

function judged<T>(checked: Checked, identity: Identity): T {
  if (checked.ok) return checked.value as T;
  // A claim the platform did not pass at all is a caller not identified enough (401); one it
  // passed with a value the schema refuses is a caller identified and not allowed (403).
  const missing = checked.errors.filter((error) => claimAt(identity, error.pointer) === undefined);
  throw missing.length > 0 ? claimsRefused(401, missing) : claimsRefused(403, checked.errors.map(withoutValue));
}

/**
 * A refused claim's issue without the value it refused (valibot's "… but received "x""): a
 * Lambda authorizer's context may hold what the caller never saw. The schema's own messages stay.
 */
function withoutValue({ pointer, detail }: FieldError): FieldError {
  // A function declaration, not an arrow function in a module constant: a mutation run then measures it (issue 19).
  return { pointer, detail: detail.replace(/ but received [\s\S]*$/, "") };
}

function claimAt(identity: Identity, pointer: string): unknown {
  const name = pointer.split("/")[2];
  if (name === undefined) return identity.claims;
  const key = name.replaceAll("~1", "/").replaceAll("~0", "~");
  return Object.hasOwn(identity.claims, key) ? identity.claims[key] : undefined;
}
