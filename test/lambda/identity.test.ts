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
