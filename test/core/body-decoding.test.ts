/**
 * How a body is decoded, at the edges: a byte order mark dropped whichever way UTF-8 is
 * spelled and whether the platform handed bytes or a string; UTF-16 with its BOM; text that
 * is not what its charset says (400); a Content-Length exactly at the limit (taken) and one
 * past it (413); a media type a custom decoder reads; `constructor` keys in JSON, refused only
 * when they carry a `prototype`.
 */
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, type BodyDecoder } from "../../src/index.js";
import { expectProblem, serve, utf8 } from "./harness.js";

const text = serve(job({ body: v.string() }, ({ body }) => ({ body: { body } }), { accept: "text" }));
const json = serve(job({ body: v.unknown() }, ({ body }) => ({ body: { body } })));
const seen = async (answer: Promise<{ status: number; json(): unknown }>) => {
  const got = await answer;
  expect(got.status).toBe(200);
  return (got.json() as { body: unknown }).body;
};

const bom = "\uFEFF";
const bomBytes = [0xef, 0xbb, 0xbf];

describe("a UTF-8 byte order mark is not part of the text", () => {
  for (const charset of ["utf-8", "utf8", "UTF-8", "UTF8"]) {
    const headers = { "content-type": `text/plain; charset=${charset}` };
    it(`charset=${charset}, sent as bytes`, async () => {
      expect(await seen(text.send({ method: "POST", headers, body: Uint8Array.from([...bomBytes, ...utf8("héllo")]) }))).toBe("héllo");
    });
    it(`charset=${charset}, a platform's string body (Lambda)`, async () => {
      expect(await seen(text.send({ method: "POST", headers, body: `${bom}héllo` }))).toBe("héllo");
    });
  }

  it("a BOM only at the start is dropped: one inside the text stays", async () => {
    const body = `${bom}a${bom}b`;
    expect(await seen(text.send({ method: "POST", headers: { "content-type": "text/plain; charset=utf8" }, body }))).toBe(`a${bom}b`);
  });

  it("JSON after a BOM, charset=utf8: parsed", async () => {
    const headers = { "content-type": "application/json; charset=utf8" };
    expect(await seen(json.send({ method: "POST", headers, body: Uint8Array.from([...bomBytes, ...utf8('{"a":1}')]) }))).toEqual({ a: 1 });
  });
});

describe("Content-Type parameters", () => {
  it("a parameter other than charset: UTF-8 all the same", async () => {
    const body = utf8('{"name":"h\u00e9"}');
    expect(await seen(json.send({ method: "POST", headers: { "content-type": "application/json; profile=x" }, body }))).toEqual({ name: "hé" });
  });

  it("parameters with no media type before them: a body of no type, 415", async () => {
    expectProblem(await json.send({ method: "POST", headers: { "content-type": "; charset=utf-8" }, body: '{"a":1}' }), {
      status: 415,
      title: "Unsupported Media Type",
      detail: "This endpoint reads application/json, not a body with no content-type",
    });
  });
});

describe("other charsets", () => {
  it("UTF-16LE with its BOM: the text without it", async () => {
    const body = Uint8Array.from([0xff, 0xfe, 0x68, 0x00, 0xe9, 0x00]);
    expect(await seen(text.send({ method: "POST", headers: { "content-type": "text/plain; charset=utf-16le" }, body }))).toBe("hé");
  });

  it("bytes that are not UTF-8 under charset=utf8: 400 at /body", async () => {
    expectProblem(await text.send({ method: "POST", headers: { "content-type": "text/plain; charset=utf8" }, body: Uint8Array.from([0x68, 0xff]) }), {
      status: 400,
      title: "Bad Request",
      detail: "The body is not valid utf8",
      errors: [{ pointer: "/body", detail: "invalid utf8" }],
    });
  });

  it("UTF-16LE cut in the middle of a character: 400 at /body", async () => {
    expectProblem(
      await text.send({ method: "POST", headers: { "content-type": "text/plain; charset=utf-16le" }, body: Uint8Array.from([0x68, 0x00, 0x69]) }),
      { status: 400, title: "Bad Request", detail: "The body is not valid utf-16le", errors: [{ pointer: "/body", detail: "invalid utf-16le" }] },
    );
  });
});

describe("Content-Length against the body limit", () => {
  const limited = serve(job({ body: v.string() }, ({ body }) => ({ body: { body } }), { accept: "text", bodyLimit: 5 }));
  const headers = (length: number) => ({ "content-type": "text/plain", "content-length": String(length) });

  it("exactly at the limit: read", async () => {
    expect(await seen(limited.send({ method: "POST", headers: headers(5), body: "12345" }))).toBe("12345");
  });

  it("one byte past it: 413 before the body is read", async () => {
    expectProblem(await limited.send({ method: "POST", headers: headers(6), body: "123456" }), {
      status: 413,
      title: "Content Too Large",
      detail: "The body is larger than the limit of 5 bytes",
    });
  });
});

describe("a custom decoder's media type", () => {
  const xml: BodyDecoder = {
    kind: "xml",
    mediaType: "application/xml",
    decode: (raw) => `xml:${typeof raw === "string" ? raw : new TextDecoder().decode(raw)}`,
  };
  const app = serve(job({ body: v.string() }, ({ body }) => ({ body: { body } }), { accept: ["json", xml] }));

  it("is read by the decoder", async () => {
    expect(await seen(app.send({ method: "POST", headers: { "content-type": "application/xml" }, body: "<a/>" }))).toBe("xml:<a/>");
  });

  it("application/octet-stream, which the job does not read: 415 naming what it reads", async () => {
    const answer = await app.send({ method: "POST", headers: { "content-type": "application/octet-stream" }, body: "x" });
    expectProblem(answer, {
      status: 415,
      title: "Unsupported Media Type",
      detail: "This endpoint reads application/json or application/xml, not a body of type application/octet-stream",
    });
    expect(answer.header("accept-post")).toBe("application/json, application/xml");
  });
});

describe("`constructor` keys in a JSON body", () => {
  const post = (body: string) => json.send({ method: "POST", headers: { "content-type": "application/json" }, body });

  it("with a `prototype` inside: 400 at its pointer", async () => {
    expectProblem(await post('{"a":{"constructor":{"prototype":{"x":1}}}}'), {
      status: 400,
      title: "Bad Request",
      errors: [{ pointer: "/body/a/constructor" }],
    });
  });

  it("as a plain value or an object without `prototype`: taken as data", async () => {
    expect(await seen(post('{"constructor":"Foo"}'))).toEqual({ constructor: "Foo" });
    expect(await seen(post('{"constructor":null,"b":[{"constructor":{"name":"x"}}]}'))).toEqual({ constructor: null, b: [{ constructor: { name: "x" } }] });
  });
});

describe("the media type as the Content-Type names it", () => {
  it("spaces around it, before its parameters, are not part of it", async () => {
    for (const contentType of ["application/json ; charset=utf-8", "application/json\t;charset=utf-8", " application/json "]) {
      const answer = await json.send({ method: "POST", headers: { "content-type": contentType }, body: '{"a":1}' });
      expect(answer.status, contentType).toBe(200);
      expect((answer.json() as { body: unknown }).body, contentType).toEqual({ a: 1 });
    }
  });

  it("a custom decoder reads its own media type only: another unknown one is 415 naming what the job reads", async () => {
    const xml: BodyDecoder = { kind: "xml", mediaType: "application/xml", decode: () => "decoded" };
    const app = serve(job({ body: v.string() }, ({ body }) => ({ body: { body } }), { accept: ["json", xml] }));
    const answer = await app.send({ method: "POST", headers: { "content-type": "application/yaml" }, body: "a: 1" });
    expectProblem(answer, {
      status: 415,
      title: "Unsupported Media Type",
      detail: "This endpoint reads application/json or application/xml, not a body of type application/yaml",
    });
    expect(answer.header("accept-post")).toBe("application/json, application/xml");
  });
});

describe("a job's own decoder for a media type a built-in kind would read", () => {
  const csv: BodyDecoder = { kind: "csv", mediaType: "text/csv", decode: (raw) => String(typeof raw === "string" ? raw : new TextDecoder().decode(raw)).split(",") };
  const octets: BodyDecoder = { kind: "octets", mediaType: "application/octet-stream", decode: (raw) => [`${typeof raw === "string" ? raw.length : raw.length} bytes`] };
  const vendorJson: BodyDecoder = { kind: "vnd", mediaType: "application/vnd.test+json", decode: () => ["vendor"] };

  it("reads it: text/csv, application/octet-stream, an application/…+json type", async () => {
    const app = serve(job({ body: v.array(v.string()) }, ({ body }) => ({ body: { body } }), { accept: [csv, octets, vendorJson] }));
    const post = (type: string, body: string) => seen(app.send({ method: "POST", headers: { "content-type": type }, body }));
    expect(await post("text/csv; charset=utf-8", "a,b")).toEqual(["a", "b"]);
    expect(await post("application/octet-stream", "xyz")).toEqual(["3 bytes"]);
    expect(await post("application/vnd.test+json", "{}")).toEqual(["vendor"]);
  });

  it("other media types of the same kind are still the built-in kind's: 415 when the job does not read it", async () => {
    const app = serve(job({ body: v.array(v.string()) }, ({ body }) => ({ body: { body } }), { accept: [csv] }));
    expectProblem(await app.send({ method: "POST", headers: { "content-type": "text/plain" }, body: "a,b" }), {
      status: 415,
      title: "Unsupported Media Type",
      detail: "This endpoint reads text/csv, not a body of type text/plain",
    });
  });
});

describe("the +json suffix", () => {
  it("under application/ is JSON; under another type it is that type's (text/… is text)", async () => {
    const app = serve(job({ body: v.unknown() }, ({ body }) => ({ body: { body } }), { accept: ["json", "text"] }));
    expect(await seen(app.send({ method: "POST", headers: { "content-type": "application/problem+json" }, body: '{"a":1}' }))).toEqual({ a: 1 });
    expect(await seen(app.send({ method: "POST", headers: { "content-type": "text/x-log+json" }, body: '{"a":1}' }))).toBe('{"a":1}');
  });
});

describe("field errors point into nested values", () => {
  it("each issue's pointer is its path from the part's root, keys escaped", async () => {
    const schema = v.object({ items: v.array(v.object({ name: v.string() })), "a/b": v.object({ "c~d": v.number() }) });
    const app = serve(job({ body: schema }, () => ({ body: "ok" })));
    const answer = await app.send({ method: "POST", headers: { "content-type": "application/json" }, body: '{"items":[{"name":"x"},{"name":1}],"a/b":{"c~d":"1"}}' });
    expectProblem(answer, { status: 400, title: "Bad Request", errors: [{ pointer: "/body/items/1/name" }, { pointer: "/body/a~1b/c~0d" }] });
  });
});
