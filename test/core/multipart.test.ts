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

const echo = job(
  { body: v.record(v.string(), v.union([v.string(), v.file(), v.array(v.union([v.string(), v.file()]))])) },
  ({ body }) => ({
    body: Object.fromEntries(
      Object.entries(body).map(([name, value]) => [name, (Array.isArray(value) ? value : [value]).map((item) => (typeof item === "string" ? item : `file ${item.name} ${item.size}`))]),
    ),
  }),
  { accept: multipart({ files: 2, parts: 4 }) },
);
const app = serve(routes({ "POST /echo": echo }));
const send = (payload: Uint8Array | string, headers: Record<string, string> = type) => app.send({ method: "POST", path: "/echo", headers, body: payload });

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
