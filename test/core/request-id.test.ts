/**
 * Which request id an answer carries (its `x-request-id`, the problem's `requestId`, every log
 * line's): the platform's own id, else the caller's `x-request-id`, else a valid W3C
 * `traceparent`'s trace id, else a fresh UUID. An id from outside is kept only when it is safe
 * to echo: 1 to 128 characters of letters, digits and `_ . : @ + = / -`.
 */
import { describe, expect, it } from "vitest";
import { job } from "../../src/index.js";
import { serve } from "./harness.js";

const uuid = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;
const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const spanId = "00f067aa0ba902b7";

/** The request id the answer carries, checked to be the one the log line has too. */
async function idOf(headers: Record<string, string>, platformId?: string): Promise<string> {
  const app = serve(job({}, () => ({ body: "ok" })));
  const answer = await app.send({ headers }, platformId === undefined ? {} : { requestId: platformId });
  const id = answer.header("x-request-id")!;
  expect(app.lines.map((line) => line.requestId)).toEqual([id]);
  return id;
}

const safe = ["a", "x".repeat(128), "Req_1.2:3@4+5=6/7-8", "abcDEF0123456789"];
const unsafe = ["", "x".repeat(129), '"abc', 'abc"', "a b", "a\\b", "é", "abc\n", "<script>", "a,b"];

describe("the caller's x-request-id", () => {
  it.each(safe)("kept when it is safe to echo: %j", async (given) => {
    expect(await idOf({ "x-request-id": given })).toBe(given);
  });

  it.each(unsafe)("replaced by a fresh UUID when it is not: %j", async (given) => {
    const id = await idOf({ "x-request-id": given });
    expect(id).toMatch(uuid);
  });

  it("an unsafe one gives way to the traceparent's trace id", async () => {
    expect(await idOf({ "x-request-id": "a b", traceparent: `00-${traceId}-${spanId}-01` })).toBe(traceId);
  });
});

describe("the platform's own id", () => {
  it.each(safe)("comes first when it is safe: %j", async (platformId) => {
    expect(await idOf({ "x-request-id": "from-caller", traceparent: `00-${traceId}-${spanId}-01` }, platformId)).toBe(platformId);
  });

  it.each(unsafe)("gives way to the caller's when it is not: %j", async (platformId) => {
    expect(await idOf({ "x-request-id": "from-caller" }, platformId)).toBe("from-caller");
  });
});

describe("a traceparent's trace id, with no usable x-request-id", () => {
  it.each([
    ["sampled", `00-${traceId}-${spanId}-01`],
    ["not sampled", `00-${traceId}-${spanId}-00`],
    ["a later version", `7f-${traceId}-${spanId}-03`],
    ["whitespace around it", ` \t00-${traceId}-${spanId}-01  `],
  ])("%s: its trace id", async (_what, traceparent) => {
    expect(await idOf({ traceparent })).toBe(traceId);
  });

  it.each([
    ["version ff, which is invalid", `ff-${traceId}-${spanId}-01`],
    ["an all-zero trace id", `00-${"0".repeat(32)}-${spanId}-01`],
    ["an all-zero parent id", `00-${traceId}-${"0".repeat(16)}-01`],
    ["upper-case hex", `00-${traceId.toUpperCase()}-${spanId}-01`],
    ["a one-digit version", `0-${traceId}-${spanId}-01`],
    ["a non-hex version", `0g-${traceId}-${spanId}-01`],
    ["a trace id one digit short", `00-${traceId.slice(1)}-${spanId}-01`],
    ["a non-hex trace id", `00-${traceId.slice(1)}g-${spanId}-01`],
    ["a parent id one digit short", `00-${traceId}-${spanId.slice(1)}-01`],
    ["a non-hex parent id", `00-${traceId}-${spanId.slice(1)}z-01`],
    ["one-digit flags", `00-${traceId}-${spanId}-1`],
    ["non-hex flags", `00-${traceId}-${spanId}-0x`],
    ["text before it", `x00-${traceId}-${spanId}-01`],
    ["text after it", `00-${traceId}-${spanId}-01-x`],
  ])("%s: a fresh UUID", async (_what, traceparent) => {
    expect(await idOf({ traceparent })).toMatch(uuid);
  });

  it("ids that are zeros but for one digit, first or last, are valid", async () => {
    const last = `${"0".repeat(31)}1`;
    expect(await idOf({ traceparent: `00-${last}-${"0".repeat(15)}1-01` })).toBe(last);
    const first = `1${"0".repeat(31)}`;
    expect(await idOf({ traceparent: `00-${first}-1${"0".repeat(15)}-01` })).toBe(first);
  });
});

describe("nothing usable", () => {
  it("a fresh UUID, another for each request", async () => {
    const first = await idOf({});
    const second = await idOf({});
    expect(first).toMatch(uuid);
    expect(second).toMatch(uuid);
    expect(first).not.toBe(second);
  });

  it("1,000 requests, past several draws of random bytes: every id a version 4 UUID, none repeated, every random digit varying", async () => {
    const app = serve(job({}, () => ({ body: "ok" })));
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) ids.push((await app.send({})).header("x-request-id")!);
    for (const id of ids) expect(id).toMatch(uuid);
    expect(new Set(ids).size).toBe(1000);
    // Each position but the version's holds every digit it may among 1,000 random ids (missing one
    // has a chance below 10^-25): the variant's four, the others all sixteen.
    for (let at = 0; at < 36; at++) {
      if ([8, 13, 14, 18, 23].includes(at)) continue;
      const seen = new Set(ids.map((id) => id[at]));
      expect(seen.size, `position ${at}`).toBe(at === 19 ? 4 : 16);
    }
  });
});
