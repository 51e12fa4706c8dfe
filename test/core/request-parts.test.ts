/**
 * What a job reads of a request: each part its spec names (params, query, headers, cookies, body)
 * through its schema, every part's issues in one 400 in that order, and a job that reads nothing
 * it must wait for (no extractor, no body, no async schema) run before `handle` returns.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, routes } from "../../src/index.js";
import { expectProblem, serve } from "./harness.js";

const digits = v.pipe(v.string(), v.regex(/^\d+$/, "digits"));

/** A route reading every part (the body only when `body` is set), echoing what it got. */
function everyPart(body: boolean) {
  const spec = {
    params: v.object({ id: digits }),
    query: v.object({ page: digits }),
    headers: v.object({ "x-tenant": digits }),
    cookies: v.object({ session: digits }),
    ...(body ? { body: v.object({ name: v.string() }) } : {}),
  };
  return serve(routes({ "POST /items/:id": job(spec, (input) => ({ body: input })) }));
}

describe("every part a spec names is read through its schema", () => {
  for (const body of [false, true]) {
    const reading = body ? "with a body" : "without a body";

    it(`${reading}: the job gets each part as its schema gave it`, async () => {
      const app = everyPart(body);
      const answer = await app.send({
        method: "POST",
        path: "/items/7",
        query: "page=2&more=x",
        headers: { "x-tenant": "3", cookie: "session=4; other=5", "content-type": "application/json" },
        ...(body ? { body: '{"name":"n","extra":1}' } : {}),
      });
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({
        params: { id: "7" },
        query: { page: "2" },
        headers: { "x-tenant": "3" },
        cookies: { session: "4" },
        ...(body ? { body: { name: "n" } } : {}),
      });
    });

    it(`${reading}: one 400 listing every part's issues, params, query, headers, cookies, body`, async () => {
      const app = everyPart(body);
      const answer = await app.send({
        method: "POST",
        path: "/items/x",
        query: "page=y",
        headers: { "x-tenant": "z", cookie: "session=w", "content-type": "application/json" },
        ...(body ? { body: '{"name":1}' } : {}),
      });
      expectProblem(answer, {
        status: 400,
        title: "Bad Request",
        errors: [
          { pointer: "/params/id", detail: "digits" },
          { pointer: "/query/page", detail: "digits" },
          { pointer: "/headers/x-tenant", detail: "digits" },
          { pointer: "/cookies/session", detail: "digits" },
          ...(body ? [{ pointer: "/body/name" }] : []),
        ],
      });
    });
  }
});

describe("a job that reads nothing it must wait for runs before handle() returns", () => {
  it("params, query, headers and cookies through sync schemas: the job has run when handle() returns its promise", async () => {
    let ran = false;
    const app = serve(
      job({ query: v.object({ a: v.optional(v.string()) }), headers: v.object({}), cookies: v.object({}) }, () => {
        ran = true;
        return { body: "ran" };
      }),
    );
    const pending = app.send({ query: "a=1" });
    expect(ran).toBe(true);
    expect((await pending).text).toBe("ran");
  });

  it.each([
    ["a body", { body: v.string() }],
    ["an extractor", { who: () => "someone" }],
    ["an async schema", { query: v.objectAsync({}) }],
  ])("a job reading %s runs later, once it is read", async (_what, spec) => {
    let ran = false;
    const app = serve(
      job(spec, () => {
        ran = true;
        return { body: "ran" };
      }),
    );
    const pending = app.send({ method: "POST", headers: { "content-type": "application/json" }, body: '"x"' });
    expect(ran).toBe(false);
    expect((await pending).text).toBe("ran");
    expect(ran).toBe(true);
  });
});
