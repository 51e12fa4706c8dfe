/**
 * The requests the functions-framework answers itself, as examples/cloud-functions/README.md
 * lists them: none reaches the function (no x-request-id), each gets Express's error page.
 */
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import type { ContractRequest } from "../contract/table.js";
import { send } from "../support/http.js";
import { expressErrorPage } from "./framework-answers.js";
import { serveFunction, type ServedFunction } from "./serve.js";

const app = routes({
  "POST /any": job({ body: v.unknown() }, () => ({ status: 202 }), { accept: ["json", "form", "text", "bytes"] }),
});

const post = (type: string, body: string, headers: Record<string, string> = {}): ContractRequest => ({
  method: "POST",
  path: "/any",
  headers: { "content-type": type, ...headers },
  body,
});

const answered: { name: string; request: ContractRequest; status: number; title: string }[] = [
  { name: "a JSON primitive", request: post("application/json", '"text"'), status: 400, title: "Bad Request" },
  { name: "a form nested deeper than 32", request: post("application/x-www-form-urlencoded", `a${"[b]".repeat(33)}=1`), status: 400, title: "Bad Request" },
  {
    name: "a form with more than 1000 fields",
    request: post("application/x-www-form-urlencoded", Array.from({ length: 1001 }, (_, i) => `k${i}=1`).join("&")),
    status: 413,
    title: "Payload Too Large",
  },
  { name: "JSON in ISO-8859-1", request: post("application/json; charset=iso-8859-1", "{}"), status: 415, title: "Unsupported Media Type" },
  { name: "text/plain in an unknown charset", request: post("text/plain; charset=klingon", "x"), status: 415, title: "Unsupported Media Type" },
  { name: "an unknown content-encoding", request: post("application/octet-stream", "x", { "content-encoding": "snappy" }), status: 415, title: "Unsupported Media Type" },
];

describe("what the functions-framework answers before the function runs", () => {
  let served: ServedFunction;
  beforeAll(async () => (served = await serveFunction("framework-answers", app, { log: false })));
  afterAll(() => served.close());

  it("lets the same route's well-formed bodies through", async () => {
    const response = await send(served.base, post("application/json", "{}"));
    expect(response.status).toBe(202);
    expect(response.headers["x-request-id"]).toHaveLength(1);
  });

  for (const { name, request, status, title } of answered) {
    it(`${name}: ${status}`, async () => expressErrorPage(status, title, false)(await send(served.base, request)));
  }

  it("/favicon.ico and /robots.txt: 404, empty", async () => {
    for (const path of ["/favicon.ico", "/robots.txt"]) {
      const response = await send(served.base, { method: "GET", path });
      expect(response.status).toBe(404);
      expect(response.body.length).toBe(0);
      expect(response.headers["x-request-id"]).toBeUndefined();
    }
  });
});
