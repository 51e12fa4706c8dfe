// Type-level checks of what `job` infers: `npm run typecheck` fails if an inference regresses,
// and the runtime assertions below keep vitest honest about the values.
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { job, routes, type Env } from "jobwrap";

const table = routes({
  "GET /a/:id": job(
    {
      params: v.object({ id: v.pipe(v.string(), v.transform(Number)) }),
      query: v.object({ n: v.optional(v.string()) }),
      tenant: (req) => req.headers["x-tenant"] ?? "none",
      user: async () => ({ id: 1 }),
    },
    ({ params, query, tenant, user }, ctx) => {
      expectTypeOf(params).toEqualTypeOf<{ id: number }>();
      expectTypeOf(query).toEqualTypeOf<{ n?: string | undefined }>();
      expectTypeOf(tenant).toEqualTypeOf<string>();
      expectTypeOf(user).toEqualTypeOf<{ id: number }>();
      expectTypeOf(ctx.env).toEqualTypeOf<Env>();
      return { body: { id: params.id, tenant } };
    },
  ),
});

describe("job()", () => {
  it("keeps the spec and the run function for the table", () => {
    expect(Object.keys(table.table)).toEqual(["GET /a/:id"]);
    expect(table.table["GET /a/:id"].kind).toBe("job");
  });

  it("refuses a spec part that is not a schema, and an extra that is not a function", () => {
    expect(() => job({ body: "nope" } as unknown as { body: v.GenericSchema }, () => ({}))).toThrow('job spec "body" must be a valibot schema');
    expect(() => job({ token: v.string() } as unknown as { token: () => string }, () => ({}))).toThrow('job spec "token" must be an extractor function');
  });

  it("refuses malformed and duplicate route keys", () => {
    const j = job({}, () => ({}));
    expect(() => routes({ "/x": j })).toThrow('route "/x" must look like "GET /user/:name"');
    expect(() => routes({ "get /x": j })).toThrow(/must look like/);
    expect(() => routes({ "GET /x": j, "GET  /x": j })).toThrow('route "GET  /x" is declared twice');
  });
});
