/**
 * Every real event in test/fixtures/lambda through `wrap(api)`: a job that echoes what it
 * saw (method, path, query with repeated keys, headers, cookies, body bytes), and the result in
 * the shape its source accepts.
 */
import { describe, expect, it } from "vitest";
import { kindOf, wrap, type LambdaHttpEvent } from "jobwrap/lambda";
import { echo } from "./echo.js";
import { fixture, fixtureNames, type Json } from "./events.js";
import { expectEchoed, expected } from "./expected.js";

describe("the real Lambda events in test/fixtures/lambda", () => {
  const names = fixtureNames();

  it("has an expectation for every fixture, and a fixture for every expectation", () => {
    expect(names).toEqual(Object.keys(expected).sort());
  });

  for (const name of names) {
    it(`${name}: the job sees what the client sent, and the result has its source's shape`, async () => {
      const want = expected[name];
      expect(want, `no expectation written for ${name}`).toBeDefined();
      const event = fixture(name) as LambdaHttpEvent;
      expect(kindOf(event)).toBe(want!.kind);
      // Made inside the test, so what wrap sets up counts as run by it.
      const handler = wrap(echo, { log: false });
      const result = (await handler(event, { awsRequestId: `req-${name}` })) as Json;

      expectEchoed(name, result, `req-${name}`);
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    });
  }
});
