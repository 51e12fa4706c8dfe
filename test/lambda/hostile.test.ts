/**
 * Generated events: each real template of events.ts (v1, v2, Function URL, ALB single- and
 * multi-value) with hostile values put in place of any of its fields, at any depth, and hostile
 * keys added to its maps. Whatever an HTTP event holds, `wrap(api)` must resolve with a result of
 * its source's shape, a status it could send, a problem document for every error, and nothing
 * of its own insides; whatever is no HTTP event must reject, saying what it got.
 *
 * The seed is fixed, so every run tries the same events. A failure prints fast-check's report
 * with the seed and the counterexample's path: JOBWRAP_FUZZ_SEED=<seed> replays it, and another
 * seed explores further.
 */
import fc from "fast-check";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import { kindOf, wrap, wrapStream, type LambdaHttpEvent, type ResponseStream } from "jobwrap/lambda";
import { fixture, templates, type Json, type Kind } from "./events.js";
import { splitStreamed } from "./runtime-api.js";
import { awslambda, StandInStream } from "./stream-stand-in.js";

const seed = Number(process.env.JOBWRAP_FUZZ_SEED ?? 20_260_702);
/** Events a kind: the first `leastRuns` whatever the machine's speed, then more until the time limit below. */
const runsPerKind = 3000;
const leastRuns = 300;
const timePerKindMs = 2500;
/** Fewer through `wrapStream`: it shares the reader and the catch with `wrap`, and only its writing differs. */
const streamedRuns = 1000;

const requestId = "fuzz-req";
const repoRoot = new URL("../../", import.meta.url).pathname;

/** Reads every part of the request, in every body kind, and answers none of it back. */
const reader = job(
  {
    query: v.record(v.string(), v.union([v.string(), v.array(v.string())])),
    headers: v.record(v.string(), v.string()),
    body: v.unknown(),
    cookie: (req) => req.headers.cookie?.length ?? 0,
  },
  ({ query, headers, body, cookie }) => ({ body: { query: Object.keys(query).length, headers: Object.keys(headers).length, body: typeof body, cookie } }),
  { accept: ["json", "form", "text", "bytes"] },
);
/** The templates' own routes, so a fuzzed method or path also meets 404, 405 and HEAD. */
const api = routes({ "POST /no-auth": reader, "POST /my/path": reader, "POST /hello": reader, "GET /lambda": reader, "GET /": reader });
const handlers = [wrap(api, { log: false }), wrap(api, { log: false, basePath: "/Prod", stripStage: false, bodyLimit: 64 })];

// ---- hostile values ----

const protoKeys = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "__defineGetter__", "valueOf"];

const oddStrings = fc.constantFrom(
  "",
  "%",
  "%zz",
  "%E0%A4%A",
  "%FF%FE",
  "/a%2",
  "\ud800",
  "a\udc00b",
  "\r\nset-cookie: x=1",
  "\u0000",
  " ",
  "?#",
  "//",
  "/Prod",
  "/Prod/",
  "../..",
  "!!!notbase64",
  "Zm9v=YmFy",
  "====",
  "Zm9",
  "Zm9vYg",
  "GET",
  "post",
  "HEAD",
  "2.0",
  "$default",
  "true",
  "application/json",
  "application/x-www-form-urlencoded",
  "text/plain; charset=shift_jis",
  "multipart/form-data",
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  "a=1&a=2&__proto__=x&constructor=y",
  ...protoKeys,
);

/** Up to 1.2 MB, past the default body limit, of one character: plain, to encode, or not UTF-8 at all. */
const hugeString = fc
  .tuple(fc.integer({ min: 64 * 1024, max: 1_200_000 }), fc.constantFrom("a", "%", "é", "\ud800", "=", "/", " "))
  .map(([length, char]) => char.repeat(length));

/** Nested objects or lists deeper than any reader should walk. */
const deepValue = fc.tuple(fc.integer({ min: 100, max: 3000 }), fc.boolean()).map(([depth, asList]) => {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = asList ? [value] : { nested: value };
  return value;
});

/** What JSON.parse makes of `__proto__` and `constructor.prototype` keys: own properties, not prototypes. */
const protoPolluter = fc.constantFrom(
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":["x"],"constructor":"y"}',
).map((text) => JSON.parse(text) as unknown);

const strings = fc.oneof(fc.string({ maxLength: 24 }), fc.string({ unit: "binary", maxLength: 24 }), oddStrings);

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(null), weight: 5 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.boolean(), weight: 2 },
  { arbitrary: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 53, Number.NaN)), weight: 2 },
  { arbitrary: strings, weight: 8 },
  { arbitrary: fc.array(fc.oneof(strings, fc.integer(), fc.constant(null)), { maxLength: 4 }), weight: 3 },
  {
    arbitrary: fc.dictionary(fc.oneof(strings, fc.constantFrom(...protoKeys)), fc.oneof(strings, fc.integer(), fc.constant(null), fc.array(strings, { maxLength: 3 })), {
      maxKeys: 4,
    }),
    weight: 4,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
  { arbitrary: deepValue, weight: 1 },
  { arbitrary: protoPolluter, weight: 1 },
);

// ---- events built on the templates ----

type Path = readonly string[];

/** Every field of the template at every depth, as key paths. */
function fieldPaths(value: unknown, at: Path = []): Path[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.keys(value).flatMap((key) => [[...at, key], ...fieldPaths((value as Record<string, unknown>)[key], [...at, key])]);
}

/** The paths of the template's objects (maps among them), where a key may be added. */
function objectPaths(template: unknown): Path[] {
  const isObject = (path: Path) => {
    const value = valueAt(template, path);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  };
  return [[], ...fieldPaths(template).filter(isObject)];
}

function valueAt(root: unknown, path: Path): unknown {
  let at = root;
  for (const key of path) {
    if (typeof at !== "object" || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Sets an own property, so a `__proto__` key stays a key, as JSON.parse makes it. */
function put(root: Json, path: Path, value: unknown): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (typeof parent !== "object" || parent === null) return;
  Object.defineProperty(parent, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
}

interface Mutation {
  path: Path;
  value: unknown;
}

/** Fields that tell the source: an event changed there may fairly be read as another kind. */
const telling = new Set(["requestContext", "requestContext.elb", "requestContext.http", "httpMethod", "version", "rawPath"]);

function eventsOf(kind: Kind): fc.Arbitrary<{ event: Json; mutations: Mutation[]; options: number }> {
  const template = fixture(templates[kind]);
  const replaced = fc.record({ path: fc.constantFrom(...fieldPaths(template)), value: hostile });
  const added = fc.record({
    path: fc.tuple(fc.constantFrom(...objectPaths(template)), fc.oneof(fc.constantFrom(...protoKeys), strings)).map(([at, key]) => [...at, key]),
    value: fc.oneof(hostile, strings, fc.array(strings, { maxLength: 3 })),
  });
  // Pairs that only matter together: a base64 flag with a body that is not base64, a JSON body that reaches for a prototype.
  const paired = fc.constantFrom<Mutation[]>(
    [
      { path: ["isBase64Encoded"], value: true },
      { path: ["body"], value: "PGlkay8+!!" },
    ],
    [
      { path: ["isBase64Encoded"], value: true },
      { path: ["body"], value: "Zm9" },
    ],
    [
      { path: ["isBase64Encoded"], value: false },
      { path: ["body"], value: '{"a":{"__proto__":{"polluted":1}}}' },
    ],
  );
  return fc
    .record({
      mutations: fc.array(fc.oneof({ arbitrary: replaced, weight: 6 }, { arbitrary: added, weight: 2 }), { minLength: 1, maxLength: 4 }),
      paired: fc.option(paired, { freq: 8 }),
      options: fc.integer({ min: 0, max: handlers.length - 1 }),
    })
    .map(({ mutations, paired, options }) => {
      const all = [...mutations, ...(paired ?? [])];
      const event = structuredClone(template);
      for (const { path, value } of all) put(event, path, value);
      return { event, mutations: all, options };
    });
}

// ---- what every answer must be ----

const internals = [/\n\s+at /, /\bat [^\s()]+ \([^)]*:\d+:\d+\)/, /node_modules/, /file:\/\//, /\.ts:\d+/, /src\/(?:core|adapters)\//];

function expectNoInternals(text: string): void {
  expect(text.includes(repoRoot), "a file path in the answer").toBe(false);
  for (const pattern of internals) expect(text, `internals in the answer: ${pattern}`).not.toMatch(pattern);
}

function expectStrings(map: unknown, what: string): void {
  expect(typeof map === "object" && map !== null && !Array.isArray(map), what).toBe(true);
  for (const value of Object.values(map as object)) expect(typeof value, what).toBe("string");
}

/** The result is one its source accepts, for the kind the handler could tell, and sound for a client. */
function expectAnswer(result: Json, kind: "v1" | "v2" | "alb", multiValue: boolean): void {
  const keys = Object.keys(result);
  const allowed =
    kind === "v2"
      ? ["statusCode", "headers", "cookies", "body", "isBase64Encoded"]
      : kind === "v1"
        ? ["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]
        : ["statusCode", "statusDescription", multiValue ? "multiValueHeaders" : "headers", "body", "isBase64Encoded"];
  for (const key of keys) expect(allowed, `result key ${key} for ${kind}`).toContain(key);
  expect(Number.isInteger(result.statusCode) && result.statusCode >= 200 && result.statusCode <= 599, `status ${result.statusCode}`).toBe(true);
  expect(typeof result.body).toBe("string");
  expect(typeof result.isBase64Encoded).toBe("boolean");
  const headers: Record<string, string> = {};
  if (kind === "alb" && multiValue) {
    expect(result.headers).toBeUndefined();
    for (const [name, values] of Object.entries(result.multiValueHeaders as Record<string, unknown>)) {
      expect(Array.isArray(values) && values.every((value) => typeof value === "string"), name).toBe(true);
      headers[name] = (values as string[]).join(", ");
    }
  } else {
    expectStrings(result.headers, "headers");
    Object.assign(headers, result.headers);
    if (result.multiValueHeaders !== undefined) {
      expect(kind).toBe("v1");
      for (const [name, values] of Object.entries(result.multiValueHeaders as Record<string, string[]>)) headers[name] = values.join(", ");
    }
  }
  if (kind === "alb") expect(result.statusDescription).toMatch(new RegExp(`^${result.statusCode}\\b`));
  if (result.cookies !== undefined) expect(Array.isArray(result.cookies) && result.cookies.every((c: unknown) => typeof c === "string")).toBe(true);
  expect(headers["x-request-id"]).toBe(requestId);
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body;
  if (result.statusCode >= 400) {
    expect(headers["content-type"]).toBe("application/problem+json");
    const problem = JSON.parse(body);
    expect(problem).toMatchObject({ type: expect.any(String), title: expect.any(String), status: result.statusCode, requestId });
  }
  expectNoInternals(body);
  expectNoInternals(JSON.stringify(headers));
  // Lambda sends the result on as JSON: nothing in it may be lost on the way.
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
}

/** fast-check's own report, seed and path included, when a property fails; else how many runs it made. */
async function check<T>(property: fc.IAsyncPropertyWithHooks<T>, numRuns = runsPerKind): Promise<number> {
  let runs = 0;
  // Two seeds: the first `leastRuns` events with no time limit, so a busy machine still tries as many; then others while time allows.
  for (const [at, count, plugins] of [
    [seed, leastRuns, []],
    [seed + 1, numRuns - leastRuns, [fc.interruptAfterTimeLimit(timePerKindMs)]],
  ] as const) {
    const details = await fc.check(property, { seed: at, numRuns: count, plugins: [...plugins] });
    if (details.failed) throw new Error(`${fc.defaultReportMessage(details)}\nReplay: JOBWRAP_FUZZ_SEED=${seed} npx vitest run test/lambda/hostile.test.ts`);
    runs += details.numRuns;
  }
  return runs;
}

const kindsUnderTest: Kind[] = ["v1", "v2", "url", "alb-single", "alb-multi"];

describe("generated hostile events through wrap (jobwrap/lambda)", () => {
  for (const kind of kindsUnderTest) {
    it(`${kind}: every event built on ${templates[kind]} is answered, never rejected`, { timeout: timePerKindMs + 15_000 }, async () => {
      const statuses = new Map<number, number>();
      let unrecognised = 0;
      const source = kind === "url" ? "v2" : kind.startsWith("alb") ? "alb" : kind;
      const runs = await check(
        fc.asyncProperty(eventsOf(kind), async ({ event, mutations, options }) => {
          const told = kindOf(event);
          if (!mutations.some(({ path }) => telling.has(path.join(".")))) expect(told).toBe(source);
          if (told === undefined) {
            // Every field that tells an HTTP event was replaced: it is none any more, and says so.
            await expect(handlers[options]!(event as LambdaHttpEvent, { awsRequestId: requestId })).rejects.toThrow(/^jobwrap\/lambda: the event is not an HTTP request/);
            unrecognised++;
            return;
          }
          const multiValue = told === "alb" && event.multiValueHeaders !== undefined && event.multiValueHeaders !== null;
          const result = (await handlers[options]!(event as LambdaHttpEvent, { awsRequestId: requestId })) as Json;
          expectAnswer(result, told, multiValue);
          statuses.set(result.statusCode, (statuses.get(result.statusCode) ?? 0) + 1);
        }),
      );
      expect(runs).toBeGreaterThanOrEqual(leastRuns);
      if (process.env.JOBWRAP_FUZZ_STATS) console.info(kind, { runs, unrecognised, statuses: Object.fromEntries(statuses) });
      // No field of an event is a reason for the adapter's own failure.
      expect(statuses.get(500) ?? 0, `statuses ${JSON.stringify([...statuses])}`).toBe(0);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

describe("generated hostile Function URL events through wrapStream (jobwrap/lambda)", () => {
  beforeAll(() => {
    (globalThis as { awslambda?: unknown }).awslambda = awslambda;
  });
  afterAll(() => {
    delete (globalThis as { awslambda?: unknown }).awslambda;
  });

  it("every one is answered with a prelude and a body, never rejected", { timeout: timePerKindMs + 15_000 }, async () => {
    const handler = wrapStream(api, { log: false });
    const runs = await check(
      fc.asyncProperty(eventsOf("url"), async ({ event }) => {
        const stream = new StandInStream();
        const settled = handler(event as LambdaHttpEvent, stream as unknown as ResponseStream, { awsRequestId: requestId });
        if (kindOf(event) === undefined) {
          await expect(settled).rejects.toThrow(/^jobwrap\/lambda: the event is not an HTTP request/);
          return;
        }
        await settled;
        expect(stream.writableFinished).toBe(true);
        const { prelude, body } = splitStreamed(Buffer.concat(stream.chunks));
        expectAnswer({ ...prelude, body: body.toString("base64"), isBase64Encoded: true }, "v2", false);
      }),
      streamedRuns,
    );
    expect(runs).toBeGreaterThanOrEqual(leastRuns);
  });
});

// ---- what is no HTTP event ----

const marker = "MARKER-no-value-in-messages";
const markedText = fc.string({ maxLength: 12 }).map((text) => marker + text);
const httpKeys = new Set(["httpMethod", "rawPath", "version", "requestContext"]);
const otherKey = fc.string({ minLength: 1, maxLength: 50 }).filter((key) => !httpKeys.has(key));

const notHttp: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  markedText,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(markedText, fc.constant({ httpMethod: "GET", path: "/" })), { maxLength: 3 }),
  // SQS, S3, SNS, EventBridge and scheduled events, their values marked.
  fc.record({
    Records: fc.array(
      fc.record({
        messageId: markedText,
        receiptHandle: markedText,
        body: markedText,
        attributes: fc.record({ ApproximateReceiveCount: fc.constant("1") }),
        eventSource: fc.constant("aws:sqs"),
        eventSourceARN: markedText,
      }),
      { minLength: 1, maxLength: 2 },
    ),
  }),
  fc.record({
    Records: fc.array(
      fc.record({
        eventVersion: fc.constant("2.1"),
        eventSource: fc.constant("aws:s3"),
        eventName: fc.constant("ObjectCreated:Put"),
        s3: fc.record({ bucket: fc.record({ name: markedText }), object: fc.record({ key: markedText, size: fc.nat() }) }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  }),
  fc.record({ Records: fc.array(fc.record({ EventSource: fc.constant("aws:sns"), Sns: fc.record({ Message: markedText }) }), { minLength: 1 }) }),
  fc.record({ version: fc.constant("0"), id: markedText, "detail-type": markedText, source: markedText, detail: fc.dictionary(otherKey, markedText) }),
  fc.dictionary(otherKey, fc.oneof(markedText, fc.integer(), fc.constant(null)), { maxKeys: 30 }),
);

describe("generated inputs that are no HTTP event through wrap (jobwrap/lambda)", () => {
  it("each rejects with a TypeError naming its type and top-level keys, none of its values", async () => {
    const handler = wrap(api, { log: false });
    const runs = await check(
      fc.asyncProperty(notHttp, async (input) => {
        expect(kindOf(input)).toBeUndefined();
        const outcome = await handler(input as LambdaHttpEvent, { awsRequestId: requestId }).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        );
        expect("error" in outcome, "rejected").toBe(true);
        const error = (outcome as { error: unknown }).error;
        expect(error).toBeInstanceOf(TypeError);
        const message = (error as TypeError).message;
        expect(message).toMatch(/^jobwrap\/lambda: the event is not an HTTP request from API Gateway .*; it is (?:null|undefined|an array|a \w+|an object with (?:no keys|keys .+))$/s);
        expect(message).not.toContain(marker);
      }),
    );
    expect(runs).toBeGreaterThanOrEqual(leastRuns);
  });
});
