/**
 * Definition-time checks: `job()` refuses a spec part that is not what its name says (a
 * valibot schema for params, query, headers, cookies, body; an extractor function for any
 * other name), and `routes()` refuses a table entry that is not a job. Both throw a TypeError
 * that names the part or the route, when the module loads rather than on the first request.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, isJob, routes, type RequestView } from "../../src/index.js";
import { serve } from "./harness.js";

const run = () => ({ body: "ok" });
/** `job()` with a spec the types would refuse, as plain JavaScript or a cast would pass it. */
const jobOf = (spec: Record<string, unknown>) => job(spec as never, run as never);

describe("job(): each request part must be a valibot schema", () => {
  const notSchemas: [string, unknown][] = [
    ["a plain object", { type: "string" }],
    ["null", null],
    ["a string", "string"],
    ["a validation action (v.email()), not a schema", v.email()],
    ["a function, even one that says it is a schema", Object.assign(() => ({}), { kind: "schema" })],
  ];
  for (const part of ["params", "query", "headers", "cookies", "body"]) {
    for (const [what, value] of notSchemas) {
      it(`${part}: ${what} → TypeError 'job spec "${part}" must be a valibot schema'`, () => {
        expect(() => jobOf({ [part]: value })).toThrow(new TypeError(`job spec "${part}" must be a valibot schema`));
      });
    }
  }

  it("a valibot schema is taken for every part", () => {
    const spec = {
      params: v.object({ id: v.string() }),
      query: v.object({ q: v.optional(v.string()) }),
      headers: v.object({}),
      cookies: v.object({}),
      body: v.string(),
    };
    expect(jobOf(spec).spec).toBe(spec);
  });

  it("a part left undefined is no part at all: the job is made and answers", async () => {
    const made = jobOf({ query: undefined, body: undefined, user: undefined });
    expect((await serve(made).send()).text).toBe("ok");
  });

  it("`responses` is the documentation of the answers, not a part: any object is taken", () => {
    expect(() => jobOf({ responses: { 200: v.object({ id: v.string() }), 409: { description: "taken" } } })).not.toThrow();
  });
});

describe("job(): any other spec name must be an extractor function", () => {
  const notFunctions: [string, unknown][] = [
    ["a valibot schema", v.string()],
    ["a string", "user"],
    ["null", null],
  ];
  for (const [what, value] of notFunctions) {
    it(`user: ${what} → TypeError 'job spec "user" must be an extractor function'`, () => {
      expect(() => jobOf({ user: value })).toThrow(new TypeError('job spec "user" must be an extractor function'));
    });
  }

  it("a function is an extractor: its value reaches the job", async () => {
    const made = job({ who: (req: RequestView) => req.method }, ({ who }) => ({ body: who }));
    expect((await serve(made).send({ method: "PUT" })).text).toBe("PUT");
  });
});

describe("routes(): every entry must be a job", () => {
  const notJobs: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a plain object", { spec: {}, run }],
    ["a function", run],
    ["a function that says it is a job", Object.assign(() => ({}), { kind: "job" })],
    ["a string", "job"],
    ["a route table", routes({ "GET /": job({}, run) })],
  ];
  for (const [what, value] of notJobs) {
    it(`${what} → TypeError 'route "GET /x" must be a job'`, () => {
      expect(() => routes({ "GET /x": value as never })).toThrow(new TypeError('route "GET /x" must be a job'));
    });
  }

  it("isJob says yes to a job and no to everything else", () => {
    expect(isJob(job({}, run))).toBe(true);
    for (const [, value] of notJobs) expect(isJob(value)).toBe(false);
  });
});
