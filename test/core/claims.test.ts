/**
 * authorizerClaims(): the caller's verified claims (`ctx.identity`, as a platform hands it to
 * core) checked by a schema, in core with a hand-made identity. No identity: 401. A scope the token
 * lacks: 403 naming the lacking ones. A claim the platform did not pass: 401; one it passed with a
 * value the schema refuses: 403. Pointers name the claims.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { authorizerClaims, job, type Identity } from "jobwrap";
import { expectProblem, serve } from "./harness.js";

/** The answer of a job that echoes its caller, for a request the platform verified as `identity`. */
function asCaller(schema: v.GenericSchema | v.GenericSchemaAsync, identity: Identity | undefined, scopes?: string[]) {
  const app = serve(job({ caller: authorizerClaims(schema, scopes ? { scopes } : undefined) }, ({ caller }) => ({ body: { caller } })));
  return app.send({ path: "/" }, { identity: () => identity });
}

const jwt = (claims: Record<string, unknown>, scopes: string[] = []): Identity => ({ kind: "jwt", claims, scopes });
const Sub = v.object({ sub: v.string() });

describe("authorizerClaims(): who the platform verified", () => {
  it("gives the job the claims as its schema outputs them", async () => {
    const answer = await asCaller(v.object({ sub: v.string(), admin: v.pipe(v.string(), v.transform((s) => s === "true")) }), jwt({ sub: "u-1", admin: "true", extra: 1 }));
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ caller: { sub: "u-1", admin: true } });
  });

  it("no verified identity at all: 401, whatever the schema", async () => {
    expectProblem(await asCaller(v.object({}), undefined), {
      status: 401,
      title: "Unauthorized",
      detail: "The request carries no caller identity verified by the platform",
    });
  });

  it("an async schema is awaited: its output, or its refusal", async () => {
    const Async = v.objectAsync({ sub: v.pipeAsync(v.string(), v.checkAsync(async (sub) => sub.startsWith("u-"), "not a user")) });
    const ok = await asCaller(Async, jwt({ sub: "u-2" }));
    expect(ok.json()).toEqual({ caller: { sub: "u-2" } });
    expectProblem(await asCaller(Async, jwt({ sub: "svc-9" })), {
      status: 403,
      title: "Forbidden",
      detail: "The caller's verified claims do not allow this request",
      errors: [{ pointer: "/claims/sub", detail: "not a user" }],
    });
    expectProblem(await asCaller(Async, jwt({})), {
      status: 401,
      title: "Unauthorized",
      detail: "The caller's verified claims lack a claim this endpoint requires",
      errors: [{ pointer: "/claims/sub" }],
    });
  });
});

describe("authorizerClaims(): what a refusal says", () => {
  it("names the claim and what the schema expects, never the refused value (an authorizer's context may hold what the caller never saw)", async () => {
    const lambdaAuthorizer: Identity = { kind: "authorizer", claims: { role: "billing-internal-7f3a", tier: 3 }, scopes: [] };
    const answer = await asCaller(v.object({ role: v.literal("admin"), tier: v.pipe(v.number(), v.maxValue(2)) }), lambdaAuthorizer);
    expectProblem(answer, {
      status: 403,
      title: "Forbidden",
      detail: "The caller's verified claims do not allow this request",
      errors: [
        { pointer: "/claims/role", detail: 'Invalid type: Expected "admin"' },
        { pointer: "/claims/tier", detail: "Invalid value: Expected <=2" },
      ],
    });
    expect(answer.text).not.toContain("billing-internal-7f3a");
    expect(answer.text).not.toMatch(/received/);
  });

  it("leaves out a refused value that holds spaces or lines as well, whole", async () => {
    const context: Identity = { kind: "authorizer", claims: { department: "Finance and Accounts\nfloor 3" }, scopes: [] };
    const answer = await asCaller(v.object({ department: v.picklist(["engineering", "support"]) }), context);
    expectProblem(answer, {
      status: 403,
      title: "Forbidden",
      detail: "The caller's verified claims do not allow this request",
      errors: [{ pointer: "/claims/department", detail: 'Invalid type: Expected ("engineering" | "support")' }],
    });
    expect(answer.text).not.toMatch(/Finance|Accounts|floor|received/);
  });
});

describe("authorizerClaims(): scopes", () => {
  it("all the required scopes held: the job runs", async () => {
    const answer = await asCaller(Sub, jwt({ sub: "u-1" }, ["users:read", "users:write"]), ["users:write", "users:read"]);
    expect(answer.status).toBe(200);
  });

  it("one lacking: 403 naming it alone", async () => {
    expectProblem(await asCaller(Sub, jwt({ sub: "u-1" }, ["users:read"]), ["users:read", "users:write"]), {
      status: 403,
      title: "Forbidden",
      detail: "The caller's token lacks the scope users:write",
    });
  });

  it("several lacking: 403 naming each, in the order required", async () => {
    expectProblem(await asCaller(Sub, jwt({ sub: "u-1" }, ["users:read"]), ["a:write", "users:read", "b:admin"]), {
      status: 403,
      title: "Forbidden",
      detail: "The caller's token lacks the scopes a:write, b:admin",
    });
  });

  it("scopes are checked before the claims: a token lacking both answers the scope", async () => {
    const answer = await asCaller(Sub, jwt({}, []), ["users:read"]);
    expectProblem(answer, { status: 403, title: "Forbidden", detail: "The caller's token lacks the scope users:read" });
  });

  it("no scopes required: none needed", async () => {
    expect((await asCaller(Sub, jwt({ sub: "u-1" }))).status).toBe(200);
  });
});

describe("authorizerClaims(): missing (401) or refused (403)", () => {
  it("a claim missing and another refused: 401, listing only the missing one", async () => {
    const answer = await asCaller(v.object({ sub: v.string(), email: v.string() }), jwt({ sub: 42 }));
    expectProblem(answer, {
      status: 401,
      title: "Unauthorized",
      detail: "The caller's verified claims lack a claim this endpoint requires",
      errors: [{ pointer: "/claims/email" }],
    });
  });

  it("a claim with a value the schema refuses: 403 at its pointer", async () => {
    const answer = await asCaller(v.object({ role: v.picklist(["admin"]) }), jwt({ role: "guest" }));
    expectProblem(answer, {
      status: 403,
      title: "Forbidden",
      detail: "The caller's verified claims do not allow this request",
      errors: [{ pointer: "/claims/role" }],
    });
  });

  it("a claim passed as null is a claim present: 403", async () => {
    const answer = await asCaller(Sub, jwt({ sub: null }));
    expectProblem(answer, { status: 403, title: "Forbidden", detail: "The caller's verified claims do not allow this request", errors: [{ pointer: "/claims/sub" }] });
  });

  it("a claim named like an Object method is missing unless the platform passed it", async () => {
    const Ctor = v.object({ constructor: v.string() });
    expectProblem(await asCaller(Ctor, jwt({})), {
      status: 401,
      title: "Unauthorized",
      detail: "The caller's verified claims lack a claim this endpoint requires",
      errors: [{ pointer: "/claims/constructor" }],
    });
    expect((await asCaller(Ctor, jwt({ constructor: "c" }))).json()).toEqual({ caller: { constructor: "c" } });
  });

  it("a claim whose name holds / or ~ is found by its escaped pointer", async () => {
    const Named = v.object({ "https://example.com/roles": v.array(v.string()), "a~b": v.string() });
    const present = await asCaller(Named, jwt({ "https://example.com/roles": "admin", "a~b": 1 }));
    expectProblem(present, {
      status: 403,
      title: "Forbidden",
      detail: "The caller's verified claims do not allow this request",
      errors: [{ pointer: "/claims/https:~1~1example.com~1roles" }, { pointer: "/claims/a~0b" }],
    });
    const missing = await asCaller(Named, jwt({ "https://example.com/roles": ["x"] }));
    expectProblem(missing, {
      status: 401,
      title: "Unauthorized",
      detail: "The caller's verified claims lack a claim this endpoint requires",
      errors: [{ pointer: "/claims/a~0b" }],
    });
  });

  it("a check of the claims as a whole (pointer /claims) refuses with 403", async () => {
    const Whole = v.pipe(
      v.object({ sub: v.string(), act: v.optional(v.string()) }),
      v.check((claims) => claims.act === undefined, "no delegated callers"),
    );
    expectProblem(await asCaller(Whole, jwt({ sub: "u-1", act: "svc" })), {
      status: 403,
      title: "Forbidden",
      detail: "The caller's verified claims do not allow this request",
      errors: [{ pointer: "/claims", detail: "no delegated callers" }],
    });
  });
});
