// multipart(): the limits and shapes the contract rows do not play, in core with a hand-made request.
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { job, multipart, routes } from "jobwrap";
import { expectProblem, serve, utf8 } from "./harness.js";

const boundary = "xYzZY";
const type = { "content-type": `multipart/form-data; boundary="${boundary}"` };
const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const file = (name: string, filename: string, value: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${value}\r\n`;
const body = (...parts: string[]) => utf8(parts.join("") + `--${boundary}--\r\n`);

// Made per request, in the test that sends it: multipart() runs there, as it would in an app.
const echo = () => job(
  { body: v.record(v.string(), v.union([v.string(), v.file(), v.array(v.union([v.string(), v.file()]))])) },
  ({ body }) => ({
    body: Object.fromEntries(
      Object.entries(body).map(([name, value]) => [name, (Array.isArray(value) ? value : [value]).map((item) => (typeof item === "string" ? item : `file ${item.name} ${item.size}`))]),
    ),
  }),
  { accept: multipart({ files: 2, parts: 4 }) },
);
const send = (payload: Uint8Array | string, headers: Record<string, string> = type) =>
  serve(routes({ "POST /echo": echo() })).send({ method: "POST", path: "/echo", headers, body: payload });

describe("multipart(): fields and files", () => {
  it("a repeated name is a list in the order sent; a __proto__ field reaches no prototype (valibot's record drops it)", async () => {
    const answer = await send(body(field("tag", "a"), file("tag", "t.txt", "xyz"), field("__proto__", "p")));
    expect(answer.status).toBe(200);
    // As text: an object literal's `__proto__` would set a prototype, not a key.
    expect(answer.text).toBe('{"tag":["a","file t.txt 3"]}');
    expect(Object.prototype).not.toHaveProperty("0");
  });

  it("reads a body a platform handed over as text (Lambda without base64)", async () => {
    const text = new TextDecoder().decode(body(field("a", "héllo")));
    expect((await send(text)).json()).toEqual({ a: ["héllo"] });
  });
});

describe("multipart(): limits and malformed bodies", () => {
  it("more files than allowed: 413", async () => {
    expectProblem(await send(body(file("a", "1", "x"), file("b", "2", "x"), file("c", "3", "x"))), {
      status: 413,
      title: "Content Too Large",
      detail: "The body has more than 2 files",
    });
  });

  it("more parts than allowed: 413", async () => {
    expectProblem(await send(body(field("a", "1"), field("b", "2"), field("c", "3"), field("d", "4"), field("e", "5"))), {
      status: 413,
      title: "Content Too Large",
      detail: "The body has more than 4 parts",
    });
  });

  it("no boundary, or a part with no name: 400 at /body", async () => {
    const malformed = { status: 400, title: "Bad Request", errors: [{ pointer: "/body", detail: "malformed multipart/form-data" }] };
    expectProblem(await send(body(field("a", "1")), { "content-type": "multipart/form-data" }), { ...malformed, detail: "The body is not valid multipart/form-data: no boundary in its content-type" });
    const nameless = utf8(`--${boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${boundary}--\r\n`);
    expectProblem(await send(nameless), { ...malformed, detail: "The body is not valid multipart/form-data: a part has no name" });
  });

  it("JSON to a multipart job: 415 naming what it reads", async () => {
    const answer = await send('{"a":1}', { "content-type": "application/json" });
    expectProblem(answer, { status: 415, title: "Unsupported Media Type", detail: "This endpoint reads multipart/form-data, not a body of type application/json" });
    expect(answer.header("accept-post")).toBe("multipart/form-data");
  });
});

describe("multipart(): the content-type's boundary, however it is written", () => {
  const plainFile = (name: string, filename: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\n\r\n${value}\r\n`;
  it.each([
    `multipart/form-data;boundary=${boundary}`,
    `multipart/form-data; boundary = ${boundary}`,
    `multipart/form-data; BOUNDARY="${boundary}"`,
    `multipart/form-data; charset=utf-8; boundary=${boundary}; x=y`,
    `multipart/form-data; boundary=${boundary} ; x=y`,
    `multipart/form-data;\tboundary=\t"${boundary}"`,
  ])("%s", async (contentType) => {
    const answer = await send(body(field("a", "1"), plainFile("f", "f.bin", "xy")), { "content-type": contentType });
    expect(answer.json()).toEqual({ a: ["1"], f: ["file f.bin 2"] });
  });

  it("a boundary parameter with no value is no boundary: 400", async () => {
    const answer = await send(body(field("a", "1")), { "content-type": "multipart/form-data; boundary=; x=y" });
    expectProblem(answer, {
      status: 400,
      title: "Bad Request",
      detail: "The body is not valid multipart/form-data: no boundary in its content-type",
      errors: [{ pointer: "/body", detail: "malformed multipart/form-data" }],
    });
  });

  it("a body that is no multipart at all: 400 at /body", async () => {
    expectProblem(await send(utf8(`--${boundary}\r\nno headers end here`)), {
      status: 400,
      title: "Bad Request",
      detail: "The body is not valid multipart/form-data: its parts cannot be read",
      errors: [{ pointer: "/body", detail: "malformed multipart/form-data" }],
    });
  });
});

describe("multipart(): what a file gives the job", () => {
  const files = () => job(
    { body: v.record(v.string(), v.union([v.string(), v.file(), v.array(v.union([v.string(), v.file()]))])) },
    async ({ body }) => {
      const out: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(body)) {
        const list = Array.isArray(value) ? value : [value];
        out[name] = await Promise.all(list.map(async (item) => (typeof item === "string" ? item : { name: item.name, type: item.type, text: await item.text() })));
      }
      return { body: out };
    },
    { accept: multipart() },
  );
  const post = (payload: Uint8Array) => serve(routes({ "POST /up": files() })).send({ method: "POST", path: "/up", headers: type, body: payload });

  it("a File with its name, its type (application/octet-stream when the part names none) and its bytes", async () => {
    const untyped = `--${boundary}\r\nContent-Disposition: form-data; name="raw"; filename="r.bin"\r\n\r\nabc\r\n`;
    const answer = await post(body(file("doc", "notes.txt", "hello"), untyped));
    expect(answer.json()).toEqual({
      doc: [{ name: "notes.txt", type: "text/plain", text: "hello" }],
      raw: [{ name: "r.bin", type: "application/octet-stream", text: "abc" }],
    });
  });

  it("a name sent three times: all three values, in order", async () => {
    expect((await post(body(field("t", "1"), field("t", "2"), field("t", "3")))).json()).toEqual({ t: ["1", "2", "3"] });
  });

  it("defaults: up to 10 files and 100 parts", async () => {
    const ten = Array.from({ length: 10 }, (_, i) => file(`f${i}`, `${i}.txt`, "x"));
    expect((await post(body(...ten))).status).toBe(200);
    expectProblem(await post(body(...ten, file("f10", "10.txt", "x"))), { status: 413, title: "Content Too Large", detail: "The body has more than 10 files" });
    const hundred = Array.from({ length: 100 }, (_, i) => field(`p${i}`, "x"));
    expect((await post(body(...hundred))).status).toBe(200);
    expectProblem(await post(body(...hundred, field("p100", "x"))), { status: 413, title: "Content Too Large", detail: "The body has more than 100 parts" });
  });

  it("one file allowed: 413 says so in the singular", async () => {
    const one = serve(routes({ "POST /up": job({ body: v.unknown() }, () => ({ status: 204 }), { accept: multipart({ files: 1, parts: 1 }) }) }));
    const sendOne = (payload: Uint8Array) => one.send({ method: "POST", path: "/up", headers: type, body: payload });
    expect((await sendOne(body(file("a", "a.txt", "x")))).status).toBe(204);
    expectProblem(await sendOne(body(file("a", "a.txt", "x"), file("b", "b.txt", "x"))), { status: 413, title: "Content Too Large", detail: "The body has more than 1 part" });
  });

  it("fileSize: a larger file answers 413 naming the file limit, a file at it is read", async () => {
    const small = serve(routes({ "POST /up": job({ body: v.unknown() }, () => ({ status: 204 }), { accept: multipart({ fileSize: 4 }) }) }));
    const sendSmall = (payload: Uint8Array) => small.send({ method: "POST", path: "/up", headers: type, body: payload });
    expect((await sendSmall(body(file("a", "a.txt", "1234")))).status).toBe(204);
    expectProblem(await sendSmall(body(file("a", "a.txt", "12345"))), { status: 413, title: "Content Too Large", detail: "A file is larger than the limit of 4 bytes" });
  });
});

describe("multipart(): the decoder itself, given a body read under a limit", () => {
  // What an adapter or a custom pipeline hands `decode`: the bytes, the content-type, the body limit.
  const decoder = () => multipart();
  const contentType = `multipart/form-data; boundary=${boundary}`;

  it('is a BodyDecoder of kind "multipart" for multipart/form-data', () => {
    expect([decoder().kind, decoder().mediaType]).toEqual(["multipart", "multipart/form-data"]);
  });

  it("a file is bounded by the body limit when no fileSize is set", () => {
    expect(() => decoder().decode(body(file("a", "a.txt", "x".repeat(11))), contentType, 10)).toThrow(
      expect.objectContaining({ status: 413, detail: "A file is larger than the limit of 10 bytes" }),
    );
  });

  it("parts whose content exceeds the limit together: 413 naming the body limit", () => {
    expect(() => decoder().decode(body(field("a", "123456"), field("b", "123456")), contentType, 10)).toThrow(
      expect.objectContaining({ status: 413, detail: "The body is larger than the limit of 10 bytes" }),
    );
  });
});
