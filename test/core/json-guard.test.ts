/**
 * The JSON guard: keys that could reach an object's prototype (`__proto__`,
 * `constructor.prototype`) are refused wherever they are and however they are spelled; the
 * same words as values are data; nesting deeper than 256 levels is refused, and a large deep
 * body is answered in bounded time.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job } from "../../src/index.js";
import { expectProblem, serve, utf8 } from "./harness.js";

const app = serve(job({ body: v.unknown() }, ({ body }) => ({ body: { echo: body } })));

const sendJson = (text: string) => app.send({ method: "POST", headers: { "content-type": "application/json" }, body: utf8(text) });

const forbidden = (pointer: string) => ({
  status: 400,
  title: "Bad Request",
  detail: "The body has a forbidden key",
  errors: [{ pointer, detail: "forbidden key: it could reach an object's prototype" }],
});

/**
 * Every case is sent as written and padded with trailing spaces (still the same JSON, with the same
 * pointers) past 512 characters: a short body and a long one take the same guard.
 */
const layouts: [string, (text: string) => string][] = [
  ["as written", (text) => text],
  ["padded past 512 characters", (text) => text + " ".repeat(600)],
];

describe.each(layouts)("%s", (_layout, laid) => {
  describe("`__proto__` as a key: 400 pointing at it", () => {
    it.each([
      ["the only key", '{"__proto__":{"admin":true}}', "/body/__proto__"],
      ["after the first property", '{"a":1,"b":2,"__proto__":{"admin":true}}', "/body/__proto__"],
      ["holding a number", '{"ok":true,"__proto__":1}', "/body/__proto__"],
      ["holding null", '{"__proto__":null}', "/body/__proto__"],
      ["holding an array", '{"__proto__":[1]}', "/body/__proto__"],
      ["in an object in an array", '[1,{"a":2},{"b":3,"__proto__":{}}]', "/body/2/__proto__"],
      ["deep, after other keys at each level", '{"a":1,"b":{"x":1,"c":[0,{"y":2,"d":{"z":0,"__proto__":{}}}]}}', "/body/b/c/1/d/__proto__"],
      ["spelled with one \\u escape", '{"\\u005f_proto__":{"admin":true}}', "/body/__proto__"],
      ["spelled wholly with \\u escapes, upper-case hex", '{"ok":1,"x":{"\\u005F\\u005F\\u0070\\u0072\\u006F\\u0074\\u006F\\u005F\\u005F":{}}}', "/body/x/__proto__"],
      ["under keys that need escaping in a pointer", '{"a/b":{"c~d":{"__proto__":1}}}', "/body/a~1b/c~0d/__proto__"],
      ["after a member holding an object", '{"a":{"b":1},"__proto__":{}}', "/body/__proto__"],
    ])("%s", async (_name, body, pointer) => {
      expectProblem(await sendJson(laid(body)), forbidden(pointer));
    });
  });

  describe("`constructor.prototype`: 400 pointing at `constructor`", () => {
    it.each([
      ["at the top", '{"constructor":{"prototype":{"admin":true}}}', "/body/constructor"],
      ["after the first property", '{"a":1,"constructor":{"prototype":{}}}', "/body/constructor"],
      ["`prototype` after other keys", '{"constructor":{"name":"x","prototype":{}}}', "/body/constructor"],
      ["`prototype` holding a number", '{"constructor":{"prototype":1}}', "/body/constructor"],
      ["deep in arrays", '[[[{"constructor":{"prototype":{}}}]]]', "/body/0/0/0/constructor"],
      ["deep, after other keys", '{"a":1,"b":[true,{"c":{"d":0,"constructor":{"prototype":{}}}}]}', "/body/b/1/c/constructor"],
      ["after a member holding an array", '{"a":[1],"constructor":{"prototype":{}}}', "/body/constructor"],
      ["`constructor` spelled with an escape", '{"a":1,"z":{"\\u0063onstructor":{"prototype":{}}}}', "/body/z/constructor"],
      ["`prototype` spelled with an escape", '{"constructor":{"prot\\u006ftype":{}}}', "/body/constructor"],
      ["both spelled with escapes", '{"\\u0063onstructor":{"\\u0070rototyp\\u0065":{}}}', "/body/constructor"],
    ])("%s", async (_name, body, pointer) => {
      expectProblem(await sendJson(laid(body)), forbidden(pointer));
    });
  });

  describe("the same words anywhere but in a forbidden key are ordinary JSON", () => {
    it.each([
      ["as values", '{"a":"__proto__","b":"constructor","c":"prototype"}'],
      ["as values in arrays", '["__proto__",["constructor","prototype"]]'],
      ["as an escaped value", '{"a":"\\u005f_proto__"}'],
      ["`constructor` holding no `prototype`", '{"constructor":{"name":"x"}}'],
      ["`constructor` holding a value", '{"constructor":1,"b":{"constructor":"x"},"c":{"constructor":null}}'],
      ["`prototype` not under `constructor`", '{"prototype":{"a":1},"b":{"prototype":{}}}'],
      ["`prototype` as a value under `constructor`", '{"constructor":{"name":"prototype"}}'],
      ["keys that only look like them", '{"proto":1,"__proto":2,"_proto_":3,"__proto__x":4,"x__proto__":5,"Constructor":{"prototype":1},"constructors":{"prototype":1}}'],
      ["other escapes", '{"\\u0061":"\\u00e9\\n"}'],
    ])("%s", async (_name, body) => {
      const answer = await sendJson(laid(body));
      expect(answer.status, answer.text).toBe(200);
      expect(answer.text).toBe(`{"echo":${JSON.stringify(JSON.parse(body))}}`);
    });
  });
});

describe("a process whose Object.prototype was polluted elsewhere (an enumerable property on it)", () => {
  it.each([
    ["an object", { polluted: true }],
    ["`constructor`-like data", { prototype: {} }],
    ["a number", 1],
  ])("holding %s: bodies are judged by their own keys", async (_name, inherited) => {
    // Sent while polluted, judged after: the assertions themselves should not meet the pollution.
    let plain: Awaited<ReturnType<typeof sendJson>>, poisoned: Awaited<ReturnType<typeof sendJson>>;
    Object.defineProperty(Object.prototype, "inherited", { value: inherited, enumerable: true, writable: true, configurable: true });
    try {
      plain = await sendJson('{"a":{"b":[{"c":1}]},"d":2}');
      poisoned = await sendJson('{"a":{"__proto__":1}}');
    } finally {
      delete (Object.prototype as Record<string, unknown>)["inherited"];
    }
    expect(plain.status, plain.text).toBe(200);
    expectProblem(poisoned, forbidden("/body/a/__proto__"));
  });
});

describe("the words as values, once read", () => {
  it("the words as values reach the job as sent", async () => {
    const answer = await sendJson('{"a":"__proto__","c":{"constructor":{"name":"x"}},"b":"\\u005f_proto__"}');
    expect(answer.json()).toEqual({ echo: { a: "__proto__", c: { constructor: { name: "x" } }, b: "__proto__" } });
  });

  it("no body reaches a prototype", async () => {
    await sendJson('{"__proto__":{"polluted":true}}');
    await sendJson('{"constructor":{"prototype":{"polluted":true}}}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** `depth` levels of arrays, around `inner`. */
const arrays = (depth: number, inner = "") => `${"[".repeat(depth)}${inner}${"]".repeat(depth)}`;
/** `depth` levels of objects: `{"a":{"a":…{}…}}`. */
const objects = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;
/** Levels alternating objects and arrays: `{"a":[{"a":[…]}]}`. */
const mixed = (depth: number) => {
  let text = "0";
  for (let level = depth; level >= 1; level--) text = level % 2 === 1 ? `{"a":${text}}` : `[${text}]`;
  return text;
};

const tooDeep = {
  status: 400,
  title: "Bad Request",
  detail: "The body is nested deeper than 256 levels",
  errors: [{ pointer: "/body", detail: "nested deeper than 256 levels" }],
};

describe("nesting", () => {
  it.each([
    ["arrays", arrays],
    ["objects", objects],
    ["objects and arrays", mixed],
  ])("%s nested exactly 256 levels deep are read", async (_name, nest) => {
    const body = nest(256);
    const answer = await sendJson(body);
    expect(answer.status, answer.text.slice(0, 200)).toBe(200);
    expect(answer.text).toBe(`{"echo":${body}}`);
  });

  it.each([
    ...["null", "0", '"x"', "true"].map((inner) => ["arrays", inner, arrays(256, inner)]),
    ...["null", "0", '"x"', "true"].map((inner) => ["objects", inner, `${'{"a":'.repeat(256)}${inner}${"}".repeat(256)}`]),
  ])("256 levels of %s holding %s at the deepest: read (a value is no level)", async (_levels, _inner, body) => {
    const answer = await sendJson(body);
    expect(answer.status, answer.text.slice(0, 200)).toBe(200);
    expect(answer.text).toBe(`{"echo":${body}}`);
  });

  it.each([
    ["arrays", arrays],
    ["objects", objects],
    ["objects and arrays", mixed],
  ])("%s nested 257 levels deep: 400", async (_name, nest) => {
    expectProblem(await sendJson(nest(257)), tooDeep);
  });

  it("257 levels inside an object after other members: 400", async () => {
    expectProblem(await sendJson(`{"a":1,"b":"x","c":${arrays(256)}}`), tooDeep);
  });

  it("257 levels after a member holding an object, and after an array element holding one: 400", async () => {
    expectProblem(await sendJson(`{"a":{"b":1},"c":${arrays(256)}}`), tooDeep);
    expectProblem(await sendJson(`[{"b":1},${arrays(256)}]`), tooDeep);
  });

  it("brackets inside strings are not nesting", async () => {
    const body = `{"s":"${"[{".repeat(300)}","t":["${"]".repeat(300)}"]}`;
    const answer = await sendJson(body);
    expect(answer.status, answer.text.slice(0, 200)).toBe(200);
    expect(answer.json()).toEqual({ echo: JSON.parse(body) });
  });

  it("an escaped quote does not end a string: the brackets after it are still inside", async () => {
    const body = `["\\"${"[".repeat(600)}"]`;
    expect((await sendJson(body)).status).toBe(200);
  });

  it("an escaped backslash ends before the closing quote: the nesting after it counts", async () => {
    expectProblem(await sendJson(`["\\\\",${arrays(256)}]`), tooDeep);
    expect((await sendJson(`["\\\\",${arrays(255)}]`)).status).toBe(200);
  });

  it.each([
    ["an escaped backslash, then an escaped quote", '\\\\\\"'],
    ["two escaped backslashes", '\\\\\\\\'],
    ["a quote inside, between backslashes", '\\\\\\"\\\\'],
    ["brackets and escaped quotes", '[\\"{\\"]'],
  ])("a string holding %s ends at its closing quote: the nesting after it counts", async (_name, inside) => {
    expect(typeof JSON.parse(`"${inside}"`)).toBe("string");
    expectProblem(await sendJson(`["${inside}",${arrays(256)}]`), tooDeep);
    expect((await sendJson(`["${inside}",${arrays(255)}]`)).status).toBe(200);
  });

  it("a string never closed: 400 malformed, not a depth", async () => {
    const answer = await sendJson(`["\\"${"[".repeat(600)}`);
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ detail: "The body is not valid JSON" });
  });

  it("a forbidden key deep in a body too deep is refused for its depth", async () => {
    expectProblem(await sendJson(`{"a":${arrays(5000, '{"__proto__":1}')}}`), tooDeep);
  });
});

describe("a 1 MiB body is answered in bounded time", () => {
  const MiB = 1024 * 1024;
  /** Generous: the scan is linear and takes milliseconds; a recursive or quadratic one would not finish, or overflow its stack. */
  const bound = 5_000;

  async function timed(text: string) {
    expect(utf8(text).length).toBeLessThanOrEqual(MiB);
    const started = performance.now();
    const answer = await sendJson(text);
    return { answer, ms: performance.now() - started };
  }

  it("1 MiB of nested arrays: 400, in bounded time", async () => {
    const { answer, ms } = await timed(arrays(MiB / 2));
    expectProblem(answer, tooDeep);
    expect(ms).toBeLessThan(bound);
  });

  it("1 MiB of nested objects: 400, in bounded time", async () => {
    const depth = Math.floor((MiB - 2) / 6);
    const { answer, ms } = await timed(objects(depth));
    expectProblem(answer, tooDeep);
    expect(ms).toBeLessThan(bound);
  });

  it("1 MiB of openers never closed: 400 malformed, in bounded time", async () => {
    const { answer, ms } = await timed("[".repeat(MiB));
    expect(answer.json()).toMatchObject({ status: 400, detail: "The body is not valid JSON" });
    expect(ms).toBeLessThan(bound);
  });

  it("1 MiB of brackets inside a string: read, in bounded time", async () => {
    const { answer, ms } = await timed(`"${"[".repeat(MiB - 2)}"`);
    expect(answer.status).toBe(200);
    expect(ms).toBeLessThan(bound);
  });

  it("1 MiB of shallow objects, each with an escape and `constructor`: read, in bounded time", async () => {
    const item = '{"\\u0061":1,"constructor":{"name":"x"}},';
    const count = Math.floor((MiB - 2) / item.length);
    const text = `[${item.repeat(count).slice(0, -1)}]`;
    const { answer, ms } = await timed(text);
    expect(answer.status).toBe(200);
    expect(ms).toBeLessThan(bound);
  });
});

describe("nesting is counted level by level, and only in JSON", () => {
  const malformed = { status: 400, title: "Bad Request", detail: "The body is not valid JSON", errors: [{ pointer: "/body", detail: "malformed JSON" }] };

  it("a wide body of many shallow members is read: each closing bracket ends its level", async () => {
    const body = `{"a":[${Array.from({ length: 300 }, () => "[]").join(",")}],"b":[${Array.from({ length: 300 }, () => "{}").join(",")}]}`;
    const answer = await sendJson(body);
    expect(answer.status, answer.text.slice(0, 200)).toBe(200);
    expect(answer.json()).toEqual({ echo: JSON.parse(body) });
  });

  it("512 characters of which 257 openers never closed: not JSON, so malformed (too short to be JSON nested 257 deep)", async () => {
    const body = `${"[".repeat(257)}${" ".repeat(255)}`;
    expect(body).toHaveLength(512);
    expectProblem(await sendJson(body), malformed);
    expectProblem(await sendJson("[".repeat(300)), malformed);
  });
});
