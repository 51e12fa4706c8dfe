/**
 * The framework's body parsers read every body that has a content-type before the function
 * runs (JSON, text, form and raw): the job must still get the bytes as sent, and the body
 * limit must still hold on them.
 */
import { gzipSync } from "node:zlib";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import type { ContractRequest } from "../contract/table.js";
import { send } from "../support/http.js";
import { serveFunction, type ServedFunction } from "./serve.js";

const limit = 1024;

const app = routes({
  "POST /raw": job({ body: v.instance(Uint8Array) }, ({ body }) => ({ body }), { accept: "bytes", bodyLimit: limit }),
});

const utf8 = (text: string) => new TextEncoder().encode(text);
const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

/** Bodies the framework's parsers would re-encode, decode lossily or reject if we read their result. */
const bodies: { name: string; type: string | undefined; body: Uint8Array }[] = [
  {
    name: "JSON, spacing, escapes and number forms kept",
    type: "application/json",
    body: utf8('{ "name" : "Zo\\u00eb",\n  "n": [1, 2.50, 1e3], "s": "é😀" }\n'),
  },
  { name: "JSON with a UTF-8 byte order mark", type: "application/json; charset=utf-8", body: utf8('\uFEFF{"a":1}') },
  { name: "text in ISO-8859-1, not UTF-8", type: "text/plain; charset=iso-8859-1", body: new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0xff, 0x00]) },
  { name: "text declared UTF-8 that is not", type: "text/plain", body: new Uint8Array([0xc3, 0x28, 0xa0, 0xa1, 0x0a]) },
  { name: "a form with bad escapes, a raw Latin-1 byte and repeats", type: "application/x-www-form-urlencoded", body: new Uint8Array([...utf8("a=%zz&b=+x+&c=%C3%A9&d="), 0xe9, ...utf8("&a=1")]) },
  { name: "every byte value as application/octet-stream", type: "application/octet-stream", body: allBytes },
  { name: "a PNG header as image/png", type: "image/png", body: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]) },
  { name: "bytes with no content-type (left unread by the framework)", type: undefined, body: new Uint8Array([0, 1, 2, 254, 255]) },
];

describe("request bodies through the functions-framework's body parsers", () => {
  let served: ServedFunction;
  beforeAll(async () => (served = await serveFunction("bodies", app, { log: false })));
  afterAll(() => served.close());

  const post = (type: string | undefined, body: Uint8Array, headers: Record<string, string> = {}) => {
    const request: ContractRequest = { method: "POST", path: "/raw", headers: { ...(type ? { "content-type": type } : {}), ...headers }, body };
    return send(served.base, request);
  };

  for (const { name, type, body } of bodies) {
    it(`arrive byte for byte: ${name}`, async () => {
      const response = await post(type, body);
      expect(response.status).toBe(200);
      expect([...response.body]).toEqual([...body]);
    });
  }

  it("arrive inflated when sent gzip-encoded, as the framework decodes them", async () => {
    const body = utf8('{"zipped": true}');
    const response = await post("application/json", gzipSync(body), { "content-encoding": "gzip" });
    expect(response.status).toBe(200);
    expect([...response.body]).toEqual([...body]);
  });

  /** `size` bytes the framework's parser for `type` accepts: it answers malformed JSON itself. */
  const sized = (type: string | undefined, size: number) =>
    type?.startsWith("application/json") ? utf8(`{"pad":"${"a".repeat(size - 10)}"}`) : new Uint8Array(size).fill(0x61);
  const tooLarge = { title: "Content Too Large", detail: `The body is larger than the limit of ${limit} bytes` };

  for (const type of [...new Set(bodies.map((body) => body.type))]) {
    const label = type ?? "no content-type";
    it(`over the limit, with a content-length: 413 (${label})`, async () => {
      const response = await post(type, sized(type, limit + 1));
      expect(response.status).toBe(413);
      expect(JSON.parse(new TextDecoder().decode(response.body))).toMatchObject(tooLarge);
    });

    it(`over the limit, chunked with no content-length: 413 (${label})`, async () => {
      const response = await post(type, sized(type, limit + 1), { "transfer-encoding": "chunked" });
      expect(response.status).toBe(413);
      expect(response.headers["content-type"]).toEqual(["application/problem+json"]);
      expect(JSON.parse(new TextDecoder().decode(response.body))).toMatchObject(tooLarge);
    });
  }

  it("at the limit exactly, chunked: passes", async () => {
    const response = await post("application/json", sized("application/json", limit), { "transfer-encoding": "chunked" });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(limit);
  });

  it("over the limit once inflated, though small on the wire: 413", async () => {
    const zipped = gzipSync(sized("application/json", limit * 64));
    expect(zipped.length).toBeLessThan(limit);
    const response = await post("application/json", zipped, { "content-encoding": "gzip" });
    expect(response.status).toBe(413);
    expect(JSON.parse(new TextDecoder().decode(response.body))).toMatchObject(tooLarge);
  });
});
