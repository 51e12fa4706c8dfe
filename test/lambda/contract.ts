/**
 * The whole contract through events of one kind: each request carried as that source carries
 * it (events.ts), the result turned back into what the client receives, and the row's
 * expectations checked. Where a source cannot carry a row as written, what it does instead is
 * asserted in the row's place, never skipped.
 */
import { describe, expect, it } from "vitest";
import type { LogEntry } from "jobwrap";
import { wrap } from "jobwrap/lambda";
import { contractApp } from "../contract/app.js";
import { expectResponse } from "../contract/run.js";
import { contract, type ContractCase } from "../contract/table.js";
import { eventFor, RefusedBySource, responseOf, type Kind } from "./events.js";

type Instead = (row: ContractCase, send: (row: ContractCase) => Promise<ReturnType<typeof responseOf>>, logs: LogEntry[]) => Promise<void>;

/** Rows a source carries differently, and what it does with them. */
const claimsRow = "a job reading verified claims, where the platform verified none: 401 problem";

const differently: Partial<Record<Kind, Record<string, { why: string; instead: Instead }>>> = {
  v2: {
    [claimsRow]: {
      why: "the template event (a real one) carries a JWT authorizer's claims, without the sub the job requires: 401 naming the claim",
      instead: async (row, send) => {
        const response = await send(row);
        expectResponse(response, {
          status: 401,
          problem: {
            title: "Unauthorized",
            detail: "The caller's verified claims lack a claim this endpoint requires",
            errors: [{ pointer: "/claims/sub" }],
          },
        });
      },
    },
  },
  v1: {
    "bad percent-encoding in the query: 400": {
      why: "API Gateway REST decodes the query itself and answers 400 to malformed percent-encoding without invoking the function",
      instead: async (row) => expect(() => eventFor("v1", row.request)).toThrow(RefusedBySource),
    },
  },
  "alb-single": {
    "the query, decoded once, repeated keys as arrays": {
      why: "in single-value mode ALB keeps the last value of a repeated query key",
      instead: async (row, send) => {
        const response = await send(row);
        expectResponse(response, { status: 200, json: { a: "2", b: "x y", c: "a b", d: "%41" } });
      },
    },
    "repeated set-cookie headers are all kept": {
      why: "in single-value mode ALB takes one value a header: the last cookie goes, with a warning to turn on multi-value headers",
      instead: async (row, send, logs) => {
        const response = await send(row);
        expectResponse(response, { ...row.expect, headers: { ...row.expect.headers, "set-cookie": "b=2; Path=/; Secure" } });
        expect(logs.some((entry) => entry.severity === "WARNING" && /multi-value headers/.test(entry.message))).toBe(true);
      },
    },
    "two cookies set at once: two set-cookie lines": {
      why: "the same: ALB's single-value mode carries the last cookie only",
      instead: async (row, send, logs) => {
        const response = await send(row);
        const last = (row.expect.headers!["set-cookie"] as string[]).at(-1)!;
        expectResponse(response, { ...row.expect, headers: { ...row.expect.headers, "set-cookie": last } });
        expect(logs.some((entry) => entry.severity === "WARNING" && /1 more were dropped/.test(entry.message))).toBe(true);
      },
    },
  },
};

export function lambdaContract(kind: Kind): void {
  describe(`contract through ${kind} events (jobwrap/lambda)`, () => {
    const logs: LogEntry[] = [];
    const handler = wrap(contractApp, { log: (entry) => logs.push(entry) });
    let n = 0;
    const send = async (row: ContractCase) => {
      const requestId = `${kind}-${++n}`;
      const request = { ...row.request, headers: { "x-request-id": `sent-${n}`, ...row.request.headers } };
      const result = await handler(eventFor(kind, request), { awsRequestId: requestId, getRemainingTimeInMillis: () => 30_000 });
      // Lambda sends the result as JSON: whatever it holds must survive that.
      const response = responseOf(JSON.parse(JSON.stringify(result)));
      // The awsRequestId, not the caller's x-request-id, names the request.
      expect(response.headers["x-request-id"]).toEqual([requestId]);
      return response;
    };
    for (const row of contract) {
      if (row.platforms && !row.platforms.includes("lambda")) continue;
      const other = differently[kind]?.[row.name];
      if (other) {
        it(`${row.name} — instead: ${other.why}`, () => other.instead(row, send, logs));
      } else {
        it(row.name, async () => expectResponse(await send(row), row.expect));
      }
    }
    it("ctx carries the platform and the awsRequestId", async () => {
      const response = await send({ name: "context", request: { method: "GET", path: "/context" }, expect: { status: 200 } });
      expect(JSON.parse(Buffer.from(response.body).toString())).toEqual({ platform: "lambda", requestId: `${kind}-${n}`, hasSignal: true });
    });
  });
}
