/**
 * The query as a job reads it: decoded once, a repeated key an array in the order sent,
 * bad percent-encoding a 400 at `/query`, and no key able to reach a prototype.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, routes } from "../../src/index.js";
import { expectProblem, serve } from "./harness.js";

const app = serve(
  routes({
    // No schema in the way: the job sees the query exactly as core parsed it.
    "GET /raw": job({ query: v.unknown() }, ({ query }) => {
      const q = query as Record<string, unknown>;
      return {
        body: {
          query: q,
          // What a job that reads the object as a plain map sees: own keys only, nothing inherited.
          keys: Object.keys(q),
          own: { proto: Object.hasOwn(q, "__proto__"), toString: Object.hasOwn(q, "toString") },
        },
      };
    }),
    "GET /one": job({ query: v.object({ a: v.string() }) }, ({ query }) => ({ body: query })),
    "GET /odd-keys": job({ query: v.object({ "a/b": v.string(), "c~d": v.string() }) }, ({ query }) => ({ body: query })),
  }),
);

async function raw(query: string): Promise<{ query: Record<string, unknown>; keys: string[]; own: Record<string, boolean> }> {
  const answer = await app.send({ path: "/raw", query });
  expect(answer.status, answer.text).toBe(200);
  return answer.json() as never;
}

describe("repeated keys", () => {
  it("a key sent once is one string", async () => {
    expect((await raw("a=1")).query).toEqual({ a: "1" });
  });

  it("a key sent twice is an array of both values, in the order sent", async () => {
    expect((await raw("a=2&a=1")).query).toEqual({ a: ["2", "1"] });
  });

  it("a key sent three and more times keeps every value in order, whatever comes between", async () => {
    expect((await raw("a=1&b=x&a=2&a=3&c=y&a=4")).query).toEqual({ a: ["1", "2", "3", "4"], b: "x", c: "y" });
  });

  it("keys keep the order in which they first appear", async () => {
    expect((await raw("z=1&a=2&m=3&z=4")).keys).toEqual(["z", "a", "m"]);
  });

  it("the same value repeated is kept each time", async () => {
    expect((await raw("a=x&a=x&a=x")).query).toEqual({ a: ["x", "x", "x"] });
  });

  it("a schema that wants one string refuses a repeated key, pointing at it", async () => {
    expect((await app.send({ path: "/one", query: "a=1" })).json()).toEqual({ a: "1" });
    expectProblem(await app.send({ path: "/one", query: "a=1&a=2" }), {
      status: 400,
      title: "Bad Request",
      detail: "The request is invalid: 1 problem",
      errors: [{ pointer: "/query/a" }],
    });
  });
});

describe("decoding", () => {
  it("`+` is a space in keys and values, `%20` too, and `%2B` is a plus", async () => {
    expect((await raw("q=a+b&r=a%20b&s=a%2Bb&t+u=1&v%20w=2&x%2By=3")).query).toEqual({
      q: "a b",
      r: "a b",
      s: "a+b",
      "t u": "1",
      "v w": "2",
      "x+y": "3",
    });
  });

  it("decodes once: `%2541` is `%41`, not `A`", async () => {
    expect((await raw("d=%2541")).query).toEqual({ d: "%41" });
  });

  it("an encoded `&` or `=` is data, not a separator", async () => {
    expect((await raw("a=x%26b%3Dy&k%3Dv=1")).query).toEqual({ a: "x&b=y", "k=v": "1" });
  });

  it("only the first `=` splits a pair", async () => {
    expect((await raw("a==b&c=d=e")).query).toEqual({ a: "=b", c: "d=e" });
  });

  it("percent-encoded UTF-8 is decoded, in keys and values", async () => {
    expect((await raw("q=caf%C3%A9&%E2%82%AC=euro")).query).toEqual({ q: "café", "€": "euro" });
  });
});

describe("empty keys and values", () => {
  it("a key with no `=` has the empty value, as does a key with `=` and nothing after", async () => {
    expect((await raw("a&b=")).query).toEqual({ a: "", b: "" });
  });

  it("an empty key is the key `\"\"`", async () => {
    expect((await raw("=1")).query).toEqual({ "": "1" });
    expect((await raw("=")).query).toEqual({ "": "" });
  });

  it("empty pairs between `&`s are skipped", async () => {
    expect((await raw("&&a=1&&&b=2&")).query).toEqual({ a: "1", b: "2" });
  });

  it("no query is an empty object", async () => {
    expect((await raw("")).query).toEqual({});
  });

  it("an empty key repeated is an array like any other", async () => {
    expect((await raw("=&=1")).query).toEqual({ "": ["", "1"] });
  });
});

describe("bad percent-encoding: 400 at /query", () => {
  it.each([
    ["a value with a non-hex escape", "a=%zz"],
    ["a truncated escape at the end", "a=%"],
    ["a one-digit escape", "a=%4"],
    ["a cut UTF-8 sequence", "a=%E0%A4%A"],
    ["an incomplete UTF-8 sequence", "a=%C3"],
    ["an encoded lone surrogate", "a=%ED%A0%80"],
    ["a bad escape in a key", "%zz=1"],
    ["a bad escape after good pairs", "a=1&b=caf%C3%A9&c=%G0"],
  ])("%s (%s)", async (_name, query) => {
    expectProblem(await app.send({ path: "/raw", query }), {
      status: 400,
      title: "Bad Request",
      detail: "The query has malformed percent-encoding",
      errors: [{ pointer: "/query", detail: "malformed percent-encoding" }],
    });
  });
});

describe("keys that name an object's inherited members", () => {
  it("`__proto__` is a plain key holding its value", async () => {
    const got = await raw("__proto__=x");
    expect(got.own.proto).toBe(true);
    expect(got.keys).toEqual(["__proto__"]);
    expect(JSON.stringify(got.query)).toBe('{"__proto__":"x"}');
  });

  it("`__proto__` repeated is an array like any other key", async () => {
    const answer = await app.send({ path: "/raw", query: "__proto__=a&__proto__=b&__proto__=c" });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"query":{"__proto__":["a","b","c"]}');
  });

  it("`constructor`, `toString` and `hasOwnProperty` are plain keys, once and repeated", async () => {
    const got = await raw("constructor=1&toString=2&hasOwnProperty=3&toString=4");
    expect(got.query).toEqual({ constructor: "1", toString: ["2", "4"], hasOwnProperty: "3" });
    expect(got.own.toString).toBe(true);
  });

  it("brackets are part of a key, never a path into an object: no prototype is reached", async () => {
    const answer = await app.send({ path: "/raw", query: "__proto__=polluted&__proto__[admin]=1&constructor[prototype][admin]=1" });
    expect(answer.text).toContain('"query":{"__proto__":"polluted","__proto__[admin]":"1","constructor[prototype][admin]":"1"}');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("admin");
  });
});

describe("schema issues point into the query", () => {
  it("keys with `/` and `~` are escaped in the pointer (RFC 6901)", async () => {
    expectProblem(await app.send({ path: "/odd-keys", query: "" }), {
      status: 400,
      title: "Bad Request",
      detail: "The request is invalid: 2 problems",
      errors: [{ pointer: "/query/a~1b" }, { pointer: "/query/c~0d" }],
    });
    expect((await app.send({ path: "/odd-keys", query: "a%2Fb=1&c~d=2" })).json()).toEqual({ "a/b": "1", "c~d": "2" });
  });
});
