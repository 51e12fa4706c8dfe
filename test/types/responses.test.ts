// What `responses` promises: a job that declares its responses must return one of them, and
// `npm run typecheck` fails if a wrong return stops being a compile error.
import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { HttpError, job, type ResultOf, type ReturnedStatus } from "jobwrap";

const User = v.object({ name: v.pipe(v.string(), v.minLength(3)) });
const Count = v.pipe(v.string(), v.transform(Number));

const create = job({ body: User, responses: { 201: User, 404: null, 409: null } }, async ({ body }) => {
  if (body.name === "taken") throw new HttpError(409, "taken");
  return { status: 201, body };
});

describe("declared responses", () => {
  it("types the result from the statuses under 400; errors are thrown, not returned", () => {
    expectTypeOf<ReturnedStatus<{ 200: typeof User; 201: null; 404: null; 500: null }>>().toEqualTypeOf<200 | 201>();
    type Created = ResultOf<typeof create.spec>;
    expectTypeOf<NonNullable<Created["status"]>>().toEqualTypeOf<201>();
    expectTypeOf<Created["body"]>().toEqualTypeOf<{ name: string }>();
    expect(create.spec.responses[201]).toBe(User);
  });

  it("refuses a wrong status, a wrong body, a missing body and a returned error", () => {
    // @ts-expect-error 200 is not declared
    job({ responses: { 201: User } }, () => ({ status: 200, body: { name: "ann" } }));
    // @ts-expect-error the body must be a User
    job({ responses: { 201: User } }, () => ({ status: 201, body: { nom: "ann" } }));
    // @ts-expect-error a declared body may not be left out
    job({ responses: { 201: User } }, () => ({ status: 201 }));
    // @ts-expect-error a declared error is thrown as an HttpError, not returned
    job({ responses: { 201: User, 404: null } }, () => ({ status: 404 }));
    // An async job is held to the same declaration.
    // @ts-expect-error the body of 200 must be a User
    job({ responses: { 200: User } }, async () => ({ body: { name: 3 } }));
    expect(true).toBe(true);
  });

  it("lets 200 and 204 be implicit, checks the body's input type, and leaves undeclared jobs free", () => {
    job({ responses: { 200: User } }, () => ({ body: { name: "ann" } }));
    job({ responses: { 204: null } }, () => ({}));
    // A response schema with a transform is fed its input: the job returns what the schema reads.
    job({ responses: { 200: v.object({ n: Count }) } }, () => ({ body: { n: "3" } }));
    // Declaring only errors documents them and leaves the success free.
    job({ responses: { 404: null } }, () => ({ status: 202, body: "queued" }));
    job({}, () => ({ status: 299, body: new Uint8Array(1) }));
    expect(true).toBe(true);
  });
});
