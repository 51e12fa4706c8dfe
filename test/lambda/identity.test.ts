/**
 * The caller as API Gateway and Function URLs verified it, read from real published events
 * (test/fixtures/lambda, SOURCES.md): claims through `authorizerClaims`, the client's address,
 * and the raw event behind them.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { authorizerClaims, job, type AnyJob } from "jobwrap";
import { raw, wrap } from "jobwrap/lambda";
import { fixture, responseOf, type Json } from "./events.js";

async function answer(app: AnyJob, name: string): Promise<{ status: number; body: Json }> {
  const result = await wrap(app, { log: false })(fixture(name), { awsRequestId: "identity-1" });
  const response = responseOf(result);
  return { status: response.status, body: JSON.parse(Buffer.from(response.body).toString()) };
}

const whoAmI = (schema: v.GenericSchema, scopes?: string[]) =>
  job({ caller: authorizerClaims(schema, { scopes }) }, ({ caller }, ctx) => ({
    body: { caller, kind: ctx.identity?.kind, ip: ctx.clientIp, apiId: raw(ctx)?.event.requestContext?.["apiId"] ?? null },
  }));

const Cognito = v.object({ sub: v.pipe(v.string(), v.uuid()), "cognito:username": v.string(), token_use: v.picklist(["id", "access"]) });

describe("caller identity from real Lambda events", () => {
  it("HTTP API with a JWT authorizer: the job reads the verified claims, typed by its schema", async () => {
    const { status, body } = await answer(whoAmI(Cognito), "apigw-v2-jwt-authorizer.json");
    expect(status).toBe(200);
    expect(body).toEqual({
      caller: { sub: "d2f50444-0041-7036-aea2-a955fca33d37", "cognito:username": "aamorosi", token_use: "id" },
      kind: "jwt",
      ip: "15.248.3.126",
      apiId: "lsw1ro4ipb",
    });
  });

  it("REST API with a Cognito authorizer: the claims from requestContext.authorizer.claims; the client, not CloudFront, as its address", async () => {
    const { status, body } = await answer(whoAmI(Cognito), "apigw-v1-cognito-authorizer.json");
    expect(status).toBe(200);
    expect(body).toMatchObject({ caller: { "cognito:username": "aamorosi" }, kind: "jwt", ip: "15.248.3.126", apiId: "puhdx84jy9" });
  });

  it("Function URL with IAM auth: the signer's identity", async () => {
    const Signer = v.object({ accountId: v.string(), userArn: v.pipe(v.string(), v.startsWith("arn:aws:iam::")) });
    const { status, body } = await answer(whoAmI(Signer), "function-url-iam.json");
    expect(status).toBe(200);
    expect(body).toEqual({
      caller: { accountId: "111122223333", userArn: "arn:aws:iam::111122223333:user/example-user" },
      kind: "iam",
      ip: "123.123.123.123",
      apiId: "<urlid>",
    });
  });

  it("a claim the job requires and the token lacks: 401, pointing at the claim and never quoting one", async () => {
    const { status, body } = await answer(whoAmI(v.object({ email: v.string() })), "apigw-v2-jwt-authorizer.json");
    expect(status).toBe(401);
    expect(body).toMatchObject({ title: "Unauthorized", errors: [{ pointer: "/claims/email" }] });
    expect(JSON.stringify(body)).not.toContain("aamorosi");
  });

  it("a claim present with a value the job refuses: 403", async () => {
    const { status, body } = await answer(whoAmI(v.object({ token_use: v.literal("access") })), "apigw-v1-cognito-authorizer.json");
    expect(status).toBe(403);
    expect(body).toMatchObject({ title: "Forbidden", errors: [{ pointer: "/claims/token_use" }] });
  });

  it("a scope the token was not granted: 403 naming it", async () => {
    const { status, body } = await answer(whoAmI(v.object({}), ["users:write"]), "apigw-v2-jwt-authorizer.json");
    expect(status).toBe(403);
    expect(body).toMatchObject({ detail: "The caller's token lacks the scope users:write" });
  });

  it("an event no authorizer verified: 401", async () => {
    const { status, body } = await answer(whoAmI(v.object({})), "apigw-v1-prod-stage-nulls.json");
    expect(status).toBe(401);
    expect(body).toMatchObject({ detail: "The request carries no caller identity verified by the platform" });
  });
});

/** What a job sees of the caller for an event built from a real one: `ctx.identity` as it is, and `ctx.clientIp`. */
const seen = job({}, (_input, ctx) => ({ body: { identity: ctx.identity ?? null, ip: ctx.clientIp ?? null } }));

async function seenFor(event: Json, trustedProxies?: number): Promise<{ identity: Json; ip: string | null }> {
  const result = await wrap(seen, { log: false, trustedProxies })(event, { awsRequestId: "identity-2" });
  const response = responseOf(result);
  expect(response.status).toBe(200);
  return JSON.parse(Buffer.from(response.body).toString());
}

/** A real event with `requestContext.authorizer` replaced. */
function withAuthorizer(name: string, authorizer: unknown): Json {
  const event = fixture(name);
  event.requestContext.authorizer = authorizer;
  return event;
}

describe("every kind of verified caller, from real events with the authorizer of each kind", () => {
  it("REST API with a Lambda authorizer: its principalId and flattened context, no scopes", async () => {
    const authorizer = { principalId: "user|a1", tenant: "acme", integrationLatency: 12 };
    const { identity } = await seenFor(withAuthorizer("apigw-v1-prod-stage-nulls.json", authorizer));
    expect(identity).toEqual({ kind: "authorizer", claims: authorizer, scopes: [] });
  });

  it("REST API: an empty claims map is no JWT; the Lambda authorizer's principalId beside it is the caller", async () => {
    const authorizer = { claims: {}, principalId: "svc-7" };
    const { identity } = await seenFor(withAuthorizer("apigw-v1-cognito-authorizer.json", authorizer));
    expect(identity).toEqual({ kind: "authorizer", claims: authorizer, scopes: [] });
  });

  it("REST API: a principalId that is no string is no Lambda authorizer's", async () => {
    const { identity } = await seenFor(withAuthorizer("apigw-v1-prod-stage-nulls.json", { principalId: 42 }));
    expect(identity).toBeNull();
  });

  it("REST API signed with IAM: the signer from requestContext.identity", async () => {
    const event = fixture("apigw-v1-prod-stage-nulls.json");
    event.requestContext.identity.userArn = "arn:aws:iam::111122223333:user/example-user";
    event.requestContext.identity.accountId = "111122223333";
    const { identity } = await seenFor(event);
    expect(identity.kind).toBe("iam");
    expect(identity.scopes).toEqual([]);
    expect(identity.claims).toMatchObject({ userArn: "arn:aws:iam::111122223333:user/example-user", accountId: "111122223333", sourceIp: "15.248.3.126" });
  });

  it("REST API: an authorizer that is neither (no claims, no principalId) leaves the IAM signer, if any, as the caller", async () => {
    const event = withAuthorizer("apigw-v1-prod-stage-nulls.json", { claims: null, integrationLatency: 0 });
    expect((await seenFor(event)).identity).toBeNull();
    event.requestContext.identity.userArn = "arn:aws:iam::111122223333:role/r";
    expect((await seenFor(event)).identity).toMatchObject({ kind: "iam", claims: { userArn: "arn:aws:iam::111122223333:role/r" } });
  });

  it("REST API: a Cognito token's space-separated scope claim is its scopes", async () => {
    const event = fixture("apigw-v1-cognito-authorizer.json");
    event.requestContext.authorizer.claims.scope = "users:read  users:write";
    const { identity } = await seenFor(event);
    expect(identity.kind).toBe("jwt");
    expect(identity.scopes).toEqual(["users:read", "users:write"]);
    expect(identity.claims["cognito:username"]).toBe("aamorosi");
  });

  it("a JWT's scp claim as a list (Entra ID) gives its strings; as a string (Okta), its words", async () => {
    const listed = fixture("apigw-v1-cognito-authorizer.json");
    listed.requestContext.authorizer.claims.scp = ["orders:read", 7, "orders:write"];
    expect((await seenFor(listed)).identity.scopes).toEqual(["orders:read", "orders:write"]);
    const spaced = fixture("apigw-v1-cognito-authorizer.json");
    spaced.requestContext.authorizer.claims.scp = "orders:read  orders:write ";
    expect((await seenFor(spaced)).identity.scopes).toEqual(["orders:read", "orders:write"]);
    const neither = fixture("apigw-v1-cognito-authorizer.json");
    neither.requestContext.authorizer.claims.scp = 3;
    expect((await seenFor(neither)).identity.scopes).toEqual([]);
  });

  it("HTTP API: the authorizer's scopes list wins over the token's scope claim, and its non-strings are dropped", async () => {
    const event = fixture("apigw-v2-jwt-authorizer.json");
    event.requestContext.authorizer.jwt.scopes = ["users:read", null, "users:write"];
    event.requestContext.authorizer.jwt.claims.scope = "other";
    const { identity } = await seenFor(event);
    expect(identity).toMatchObject({ kind: "jwt", scopes: ["users:read", "users:write"], claims: { token_use: "id" } });
  });

  it("HTTP API: with no scopes list (null, empty, or not a list) the token's scope claim gives the scopes", async () => {
    for (const scopes of [null, [], "users:read"]) {
      const event = fixture("apigw-v2-jwt-authorizer.json");
      event.requestContext.authorizer.jwt.scopes = scopes;
      event.requestContext.authorizer.jwt.claims.scope = "openid profile";
      expect((await seenFor(event)).identity.scopes).toEqual(["openid", "profile"]);
    }
  });

  it("HTTP API with a Lambda authorizer: its context under authorizer.lambda", async () => {
    const { identity } = await seenFor(withAuthorizer("apigw-v2-jwt-authorizer.json", { lambda: { user: "a1", plan: "pro" } }));
    expect(identity).toEqual({ kind: "authorizer", claims: { user: "a1", plan: "pro" }, scopes: [] });
  });

  it("HTTP API: empty jwt claims and an empty lambda context are no caller; the IAM signer beside them is", async () => {
    const iam = { accountId: "111122223333", userArn: "arn:aws:iam::111122223333:user/u" };
    const { identity } = await seenFor(withAuthorizer("apigw-v2-jwt-authorizer.json", { jwt: { claims: {}, scopes: null }, lambda: {}, iam }));
    expect(identity).toEqual({ kind: "iam", claims: iam, scopes: [] });
  });

  it("HTTP API and Function URL: an authorizer of nothing, or of the wrong type, is no caller", async () => {
    for (const authorizer of [{}, { jwt: "x", lambda: [], iam: {} }, "iam", null]) {
      expect((await seenFor(withAuthorizer("function-url-iam.json", authorizer))).identity).toBeNull();
    }
  });

  it("REST API: an event without its requestContext has no caller and no address", async () => {
    const event = fixture("apigw-v1-cognito-authorizer.json");
    event.requestContext = null;
    expect(await seenFor(event)).toEqual({ identity: null, ip: null });
  });

  it("HTTP API: an event without its requestContext has no caller and no address", async () => {
    const event = fixture("apigw-v2-jwt-authorizer.json");
    event.requestContext = null;
    expect(await seenFor(event)).toEqual({ identity: null, ip: null });
  });

  it("an ALB event has no verified caller", async () => {
    expect((await seenFor(fixture("alb-single-value.json"))).identity).toBeNull();
  });
});

describe("the client's address, from real events", () => {
  it("REST API: sourceIp, or with a trusted proxy the entry before the one API Gateway appended", async () => {
    const event = fixture("apigw-v1-cognito-authorizer.json");
    event.headers["X-Forwarded-For"] = "198.51.100.7, 15.248.3.126, 130.176.209.4";
    event.multiValueHeaders["X-Forwarded-For"] = ["198.51.100.7, 15.248.3.126, 130.176.209.4"];
    expect((await seenFor(event)).ip).toBe("15.248.3.126");
    expect((await seenFor(event, 1)).ip).toBe("198.51.100.7");
    // No entry before API Gateway's: the trusted proxy is not there, the source stands.
    expect((await seenFor(fixture("apigw-v1-cognito-authorizer.json"), 1)).ip).toBe("15.248.3.126");
  });

  it("REST API: an empty or non-string sourceIp, or no identity, tells no address", async () => {
    for (const sourceIp of ["", 42, null]) {
      const event = fixture("apigw-v1-prod-stage-nulls.json");
      event.requestContext.identity.sourceIp = sourceIp;
      expect((await seenFor(event)).ip).toBeNull();
    }
    // Nor does the chain the request brought, whatever proxies are trusted.
    const empty = fixture("apigw-v1-cognito-authorizer.json");
    empty.requestContext.identity.sourceIp = "";
    empty.headers["X-Forwarded-For"] = "203.0.113.9, 15.248.3.126";
    empty.multiValueHeaders["X-Forwarded-For"] = ["203.0.113.9, 15.248.3.126"];
    expect((await seenFor(empty, 1)).ip).toBeNull();
    const event = fixture("apigw-v1-prod-stage-nulls.json");
    event.requestContext.identity = "15.248.3.126";
    expect((await seenFor(event)).ip).toBeNull();
  });

  it("HTTP API and Function URL: http.sourceIp, and the chain the request brought before it", async () => {
    const event = fixture("apigw-v2-jwt-authorizer.json");
    event.headers["x-forwarded-for"] = "203.0.113.50, 15.248.3.126";
    expect((await seenFor(event)).ip).toBe("15.248.3.126");
    expect((await seenFor(event, 1)).ip).toBe("203.0.113.50");
    const url = fixture("function-url-iam.json");
    expect((await seenFor(url)).ip).toBe("123.123.123.123");
    url.requestContext.http = { ...url.requestContext.http, sourceIp: "" };
    expect((await seenFor(url)).ip).toBeNull();
    url.requestContext.http = { ...url.requestContext.http, sourceIp: ["123.123.123.123"] };
    expect((await seenFor(url)).ip).toBeNull();
  });

  it("ALB: the last X-Forwarded-For entry, which ALB appends, and the one before it behind a trusted proxy", async () => {
    const event = fixture("alb-single-value.json");
    event.headers["x-forwarded-for"] = "203.0.113.9, 72.21.198.66";
    expect((await seenFor(event)).ip).toBe("72.21.198.66");
    expect((await seenFor(event, 1)).ip).toBe("203.0.113.9");
    delete event.headers["x-forwarded-for"];
    expect((await seenFor(event)).ip).toBeNull();
  });
});
