/**
 * Which body kind a request's content-type gives the job (JSON, form, text, bytes), how its
 * charset is read, and what is refused: 415 with `accept-post` for a media type the job does
 * not read or a charset it cannot decode, 400 for text that is not what its charset says.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, routes, type BodyKind } from "../../src/index.js";
import { expectProblem, serve, utf8, type Answer } from "./harness.js";

/** What the job got: its kind and its value (bytes as numbers). */
function seen(body: unknown) {
  if (body instanceof Uint8Array) return { kind: "bytes", value: Array.from(body) };
  if (body === undefined) return { kind: "none" };
  return { kind: typeof body === "string" ? "text" : "parsed", value: body };
}

const echo = (accept: BodyKind | BodyKind[]) => job({ body: v.unknown() }, ({ body }) => ({ body: seen(body) }), { accept });

const app = serve(
  routes({
    "POST /json": echo("json"),
    "POST /form": echo("form"),
    "POST /text": echo("text"),
    "POST /bytes": echo("bytes"),
    "POST /readable": echo(["json", "form", "text"]),
    "POST /json-or-bytes": echo(["json", "bytes"]),
    "POST /object": job({ body: v.object({}) }, () => ({ body: { ok: true } })),
    "POST /maybe-object": job({ body: v.optional(v.object({})) }, ({ body }) => ({ body: seen(body) })),
  }),
);

const post = (path: string, contentType: string | undefined, body?: Uint8Array | string): Promise<Answer> =>
  app.send({ method: "POST", path, headers: contentType === undefined ? {} : { "content-type": contentType }, ...(body === undefined ? {} : { body }) });

/** Each request twice: as bytes, and as the string a platform that decoded it from UTF-8 hands core. */
const asBytesAndString = [
  ["as bytes", (text: string): Uint8Array | string => utf8(text)],
  ["as a string", (text: string): Uint8Array | string => text],
] as const;

describe.each(asBytesAndString)("which content-type goes to which kind, the body %s", (_how, body) => {
  it.each([
    ["application/json", "/json"],
    ["application/json; charset=utf-8", "/json"],
    ["Application/JSON", "/json"],
    ["application/merge-patch+json", "/json"],
    ["application/vnd.api+json; charset=UTF-8", "/json"],
    ["application/problem+json", "/readable"],
    ["application/json", "/json-or-bytes"],
  ])("%s to %s: parsed JSON", async (type, path) => {
    const answer = await post(path, type, body('{"a":[1,"é"]}'));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({ kind: "parsed", value: { a: [1, "é"] } });
  });

  it.each([
    ["application/x-www-form-urlencoded", "/form"],
    ["application/x-www-form-urlencoded; charset=utf-8", "/readable"],
  ])("%s to %s: the form's fields", async (type, path) => {
    const answer = await post(path, type, body("a=1&b=two+words&a=%C3%A9&c=é"));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({ kind: "parsed", value: { a: ["1", "é"], b: "two words", c: "é" } });
  });

  it.each([
    ["text/plain", "/text"],
    ["text/csv", "/text"],
    ["text/html; charset=utf-8", "/readable"],
    ["TEXT/Plain; Charset=UTF-8", "/text"],
    ['text/plain; charset="utf-8"', "/text"],
    ["text/plain; format=flowed; charset=utf8", "/text"],
  ])("%s to %s: the text", async (type, path) => {
    const answer = await post(path, type, body("héllo\nwörld"));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({ kind: "text", value: "héllo\nwörld" });
  });

  it.each([
    ["application/octet-stream", "/bytes"],
    ["image/png", "/bytes"],
    ["application/json", "/bytes"],
    ["text/plain; charset=klingon", "/bytes"],
    ["image/png", "/json-or-bytes"],
  ])("%s to %s: the bytes as sent", async (type, path) => {
    const answer = await post(path, type, body("é{"));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({ kind: "bytes", value: [0xc3, 0xa9, 0x7b] });
  });
});

describe("a media type the job does not read: 415 with accept-post", () => {
  it.each([
    ["text/plain", "/json", "application/json"],
    ["application/x-www-form-urlencoded", "/json", "application/json"],
    ["application/jsonx", "/json", "application/json"],
    ["application/json", "/form", "application/x-www-form-urlencoded"],
    ["application/json", "/text", "text/*"],
    ["application/xml", "/readable", "application/json, application/x-www-form-urlencoded, text/*"],
  ])("%s to %s: accept-post %s", async (type, path, acceptPost) => {
    const answer = await post(path, type, utf8("{}"));
    expectProblem(answer, { status: 415, title: "Unsupported Media Type" });
    expect(answer.header("accept-post")).toBe(acceptPost);
  });

  it("the detail names what the job reads and what came", async () => {
    const answer = await post("/readable", "Application/XML; charset=utf-8", utf8("<a/>"));
    expectProblem(answer, {
      status: 415,
      title: "Unsupported Media Type",
      detail: "This endpoint reads application/json or application/x-www-form-urlencoded or text/*, not a body of type application/xml",
    });
  });

  it("a job that reads bytes takes any media type, so never answers 415", async () => {
    for (const type of ["application/xml", "video/mp4", "x/y", "text/plain; charset=klingon"]) {
      expect((await post("/json-or-bytes", type, utf8("<a/>"))).json()).toEqual({ kind: "bytes", value: Array.from(utf8("<a/>")) });
    }
  });
});

describe("charsets", () => {
  it.each([
    ["iso-8859-1", [0x63, 0x61, 0x66, 0xe9], "café"],
    ["ISO-8859-1", [0x63, 0x61, 0x66, 0xe9], "café"],
    ["latin1", [0xe9], "é"],
    ["windows-1252", [0x35, 0x20, 0xe9], "5 é"],
    ["utf-16le", [0x68, 0x00, 0xe9, 0x00], "hé"],
    ["utf-8", [0xe2, 0x82, 0xac], "€"],
  ])("text in %s is decoded", async (charset, bytes, text) => {
    const answer = await post("/text", `text/plain; charset=${charset}`, new Uint8Array(bytes));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({ kind: "text", value: text });
  });

  it("JSON in a declared charset is decoded before it is parsed", async () => {
    const answer = await post("/json", "application/json; charset=iso-8859-1", new Uint8Array([...utf8('{"a":"caf'), 0xe9, ...utf8('"}')]));
    expect(answer.json()).toEqual({ kind: "parsed", value: { a: "café" } });
  });

  describe.each(asBytesAndString)("an unsupported charset, the body %s: 415", (_how, body) => {
    it.each([
      ["text/plain; charset=klingon", "/text", "klingon"],
      ["application/json; charset=x-unknown", "/json", "x-unknown"],
      ['text/plain; charset="Made-Up"', "/text", "made-up"],
    ])("%s", async (type, path, named) => {
      expectProblem(await post(path, type, body("hello")), {
        status: 415,
        title: "Unsupported Media Type",
        detail: `The charset "${named}" is not supported`,
      });
    });
  });

  it.each([
    ["a byte that is never UTF-8", "/text", "text/plain", [0x61, 0xff, 0xfe]],
    ["a cut sequence", "/text", "text/plain; charset=utf-8", [0x61, 0xe2, 0x82]],
    ["an overlong encoding", "/text", "text/plain", [0xc0, 0xaf]],
    ["an encoded surrogate", "/text", "text/plain", [0xed, 0xa0, 0x80]],
    ["JSON with a bad byte inside a string", "/json", "application/json", [...utf8('{"a":"'), 0xff, ...utf8('"}')]],
    ["a form with a bad byte", "/form", "application/x-www-form-urlencoded", [0x61, 0x3d, 0xff]],
  ])("invalid UTF-8 (%s): 400 at /body", async (_name, path, type, bytes) => {
    expectProblem(await post(path, type, new Uint8Array(bytes)), {
      status: 400,
      title: "Bad Request",
      detail: "The body is not valid utf-8",
      errors: [{ pointer: "/body", detail: "invalid utf-8" }],
    });
  });

  it("a form's bad percent-encoding: 400 at /body", async () => {
    expectProblem(await post("/form", "application/x-www-form-urlencoded", utf8("a=%zz")), {
      status: 400,
      title: "Bad Request",
      detail: "The body has malformed percent-encoding",
      errors: [{ pointer: "/body", detail: "malformed percent-encoding" }],
    });
  });
});

describe("no content-type", () => {
  it("and no body: the schema judges `undefined`", async () => {
    expect((await post("/maybe-object", undefined)).json()).toEqual({ kind: "none" });
    expectProblem(await post("/object", undefined), { status: 400, title: "Bad Request", errors: [{ pointer: "/body" }] });
  });

  it("and an empty body: the same as none", async () => {
    expect((await post("/maybe-object", undefined, new Uint8Array(0))).json()).toEqual({ kind: "none" });
    expect((await post("/maybe-object", undefined, "")).json()).toEqual({ kind: "none" });
  });

  it.each(asBytesAndString)("but a body, %s, to a job that does not read bytes: 415 with accept-post", async (_how, body) => {
    const answer = await post("/readable", undefined, body('{"a":1}'));
    expectProblem(answer, {
      status: 415,
      title: "Unsupported Media Type",
      detail: "This endpoint reads application/json or application/x-www-form-urlencoded or text/*, not a body with no content-type",
    });
    expect(answer.header("accept-post")).toBe("application/json, application/x-www-form-urlencoded, text/*");
  });

  it("but a body, to a job that reads bytes: the bytes", async () => {
    expect((await post("/json-or-bytes", undefined, utf8('{"a":1}'))).json()).toEqual({ kind: "bytes", value: Array.from(utf8('{"a":1}')) });
  });
});

describe("an empty JSON body", () => {
  it.each([
    ["empty", ""],
    ["only whitespace", " \r\n\t "],
  ])("%s is no body: the schema judges `undefined`", async (_name, text) => {
    expect((await post("/maybe-object", "application/json", utf8(text))).json()).toEqual({ kind: "none" });
    expectProblem(await post("/object", "application/json", text), { status: 400, title: "Bad Request", errors: [{ pointer: "/body" }] });
  });
});

describe("a UTF-8 byte-order mark before the body", () => {
  const bom = [0xef, 0xbb, 0xbf];

  it("JSON as bytes: the mark is not part of the JSON", async () => {
    const answer = await post("/json", "application/json", new Uint8Array([...bom, ...utf8('{"a":"é"}')]));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({ kind: "parsed", value: { a: "é" } });
  });

  it("JSON as a string: the mark (U+FEFF) is not part of the JSON", async () => {
    const answer = await post("/json", "application/json; charset=utf-8", '\uFEFF{"a":"é"}');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({ kind: "parsed", value: { a: "é" } });
  });

  it("a JSON body that is only the mark is empty", async () => {
    expect((await post("/maybe-object", "application/json", new Uint8Array(bom))).json()).toEqual({ kind: "none" });
    expect((await post("/maybe-object", "application/json", "\uFEFF")).json()).toEqual({ kind: "none" });
  });

  it.each(asBytesAndString)("text %s: the mark is dropped", async (_how, body) => {
    expect((await post("/text", "text/plain", body("\uFEFFhé"))).json()).toEqual({ kind: "text", value: "hé" });
  });

  it("bytes keep the mark: they are not text", async () => {
    expect((await post("/bytes", "application/octet-stream", new Uint8Array([...bom, 0x61]))).json()).toEqual({ kind: "bytes", value: [...bom, 0x61] });
  });
});

describe("the charset parameter, however it is spaced", () => {
  it.each([
    "text/plain;charset=utf-16le",
    "text/plain; charset=utf-16le",
    "text/plain ;  charset = utf-16le",
    'text/plain;charset="utf-16le"',
    "text/plain; format=flowed;charset=UTF-16LE",
  ])("%s: read", async (type) => {
    const answer = await post("/text", type, new Uint8Array([0x68, 0x00, 0xe9, 0x00]));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({ kind: "text", value: "hé" });
  });
});
