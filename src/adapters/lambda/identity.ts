/**
 * Who called, as the event's source verified and saw it: the caller's identity from
 * `requestContext.authorizer` (or REST's `requestContext.identity` for IAM) and the address it
 * came from. Read leniently, only when a job asks: a field of an unexpected type reads as absent.
 *
 * | source | identity | address |
 * |---|---|---|
 * | REST (1.0) | Cognito or JWT: `authorizer.claims`; Lambda authorizer: `authorizer` (its `principalId` and context); IAM: `identity` | `identity.sourceIp` |
 * | HTTP API (2.0) | JWT: `authorizer.jwt.claims` and `.scopes`; Lambda authorizer: `authorizer.lambda`; IAM: `authorizer.iam` | `http.sourceIp` |
 * | Function URL (2.0) | IAM: `authorizer.iam` | `http.sourceIp` |
 * | ALB | none (its OIDC headers are for the target to verify) | the last `X-Forwarded-For` entry, which ALB appends |
 */
import { forwardedBefore, lastForwarded } from "../../core/client-ip.js";
import type { Identity, Peer } from "../../core/types.js";
import { isFields, type Fields } from "./fields.js";

type Headers = Readonly<Record<string, string | undefined>>;

function contextOf(event: Fields): Fields | undefined {
  return isFields(event.requestContext) ? event.requestContext : undefined;
}

function authorizerOf(event: Fields): Fields | undefined {
  const authorizer = contextOf(event)?.authorizer;
  return isFields(authorizer) ? authorizer : undefined;
}

function nonEmpty(value: unknown): value is Fields {
  return isFields(value) && Object.keys(value).length > 0;
}

/** A JWT's granted scopes: a space-separated `scope` (RFC 8693) or an `scp` list (Entra ID, Okta). */
function scopesOfClaims(claims: Fields): string[] {
  if (typeof claims.scope === "string") return claims.scope.split(" ").filter(Boolean);
  if (Array.isArray(claims.scp)) return claims.scp.filter((scope): scope is string => typeof scope === "string");
  if (typeof claims.scp === "string") return claims.scp.split(" ").filter(Boolean);
  return [];
}

/** A REST API's caller, verified by a Cognito or JWT authorizer, a Lambda authorizer, or IAM. */
export function identityV1(event: Fields): Identity | undefined {
  const authorizer = authorizerOf(event);
  if (authorizer !== undefined && nonEmpty(authorizer.claims)) {
    return { kind: "jwt", claims: authorizer.claims, scopes: scopesOfClaims(authorizer.claims) };
  }
  // A Lambda authorizer's context, flattened beside its principalId (and the integration latency).
  if (authorizer !== undefined && typeof authorizer.principalId === "string") {
    return { kind: "authorizer", claims: authorizer, scopes: [] };
  }
  const identity = contextOf(event)?.identity;
  if (isFields(identity) && typeof identity.userArn === "string") return { kind: "iam", claims: identity, scopes: [] };
  return undefined;
}

/** An HTTP API's or a Function URL's caller, verified by a JWT authorizer, a Lambda authorizer, or IAM. */
export function identityV2(event: Fields): Identity | undefined {
  const authorizer = authorizerOf(event);
  if (authorizer === undefined) return undefined;
  const jwt = authorizer.jwt;
  if (isFields(jwt) && nonEmpty(jwt.claims)) {
    const scopes = Array.isArray(jwt.scopes) ? jwt.scopes.filter((scope): scope is string => typeof scope === "string") : [];
    return { kind: "jwt", claims: jwt.claims, scopes: scopes.length > 0 ? scopes : scopesOfClaims(jwt.claims) };
  }
  if (nonEmpty(authorizer.lambda)) return { kind: "authorizer", claims: authorizer.lambda, scopes: [] };
  if (nonEmpty(authorizer.iam)) return { kind: "iam", claims: authorizer.iam, scopes: [] };
  return undefined;
}

function sourcePeer(sourceIp: unknown, headers: Headers): Peer | undefined {
  if (typeof sourceIp !== "string" || sourceIp === "") return undefined;
  return { address: sourceIp, forwardedFor: forwardedBefore(headers["x-forwarded-for"], sourceIp) };
}

export function peerV1(event: Fields, headers: Headers): Peer | undefined {
  const identity = contextOf(event)?.identity;
  return sourcePeer(isFields(identity) ? identity.sourceIp : undefined, headers);
}

export function peerV2(event: Fields, headers: Headers): Peer | undefined {
  const http = contextOf(event)?.http;
  return sourcePeer(isFields(http) ? http.sourceIp : undefined, headers);
}

/** ALB appends the address it saw to `X-Forwarded-For` and says it nowhere else. */
export function peerAlb(_event: Fields, headers: Headers): Peer | undefined {
  return lastForwarded(headers["x-forwarded-for"]);
}
