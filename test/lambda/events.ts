/**
 * The real events in test/fixtures/lambda (copied unchanged but for what its SOURCES.md says), and events of each kind built from them as
 * templates: a contract request is carried the way each source carries it (what it decodes,
 * what it splits, how it sends the body), so the contract runs through every kind.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { clientAddress, type ContractRequest, type ContractResponse } from "../contract/table.js";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export const fixturesDir = resolve(repoRoot, "test/fixtures/lambda");

export function fixtureNames(): string[] {
  if (!existsSync(fixturesDir)) throw new Error(`the Lambda fixtures are missing: expected them at ${fixturesDir}`);
  return readdirSync(fixturesDir).filter((name) => name.endsWith(".json")).sort();
}

// Events are plain JSON: tests read and write them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(join(fixturesDir, name), "utf8"));
}

export type Kind = "v1" | "v2" | "url" | "alb-single" | "alb-multi";
export const kinds: Kind[] = ["v1", "v2", "url", "alb-single", "alb-multi"];

/** The template each kind's events are built on. */
export const templates: Record<Kind, string> = {
  v1: "apigw-v1-prod-stage-nulls.json",
  v2: "apigw-v2-stage-in-path.json",
  url: "function-url-cookies.json",
  "alb-single": "alb-single-value.json",
  "alb-multi": "alb-multivalue.json",
};

const textual = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|x-www-form-urlencoded)\b)/i;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Text as text when it is textual and valid UTF-8, as the sources do; anything else as base64. */
function carryBody(body: ContractRequest["body"], contentType: string | undefined): { body: string | null; isBase64Encoded: boolean } {
  if (body === undefined) return { body: null, isBase64Encoded: false };
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  if (contentType !== undefined && textual.test(contentType)) {
    try {
      return { body: utf8.decode(bytes), isBase64Encoded: false };
    } catch {
      // falls through to base64
    }
  }
  return { body: Buffer.from(bytes).toString("base64"), isBase64Encoded: true };
}

function split(target: string): { path: string; query: string } {
  const mark = target.indexOf("?");
  return mark < 0 ? { path: target, query: "" } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

function rawPairs(query: string): [string, string][] {
  if (query === "") return [];
  return query
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

/** API Gateway's decoding of query parameters: `+` is a space, `%2B` a plus; malformed input it refuses. */
function formDecode(text: string): string {
  return decodeURIComponent(text.replaceAll("+", " "));
}

function contentTypeOf(headers: Record<string, string>): string | undefined {
  for (const [name, value] of Object.entries(headers)) if (name.toLowerCase() === "content-type") return value;
  return undefined;
}

/**
 * The request's headers as its source passes them on: each source appends the address it saw
 * (the contract's client) to `X-Forwarded-For`, after whatever the request carried.
 */
function forwarded(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  let chain: string | undefined;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === "x-forwarded-for") chain = value;
    else out[name] = value;
  }
  out["x-forwarded-for"] = chain === undefined ? clientAddress : `${chain}, ${clientAddress}`;
  return out;
}

/** Thrown when the source itself would answer the request and never invoke the function. */
export class RefusedBySource extends Error {}

export function v1Event(request: ContractRequest, template: Json = fixture(templates.v1)): Json {
  const { path, query } = split(request.path);
  const headers = forwarded(request.headers);
  const event = structuredClone(template);
  const stage = event.requestContext.stage as string;
  let single: Record<string, string> | null = null;
  let multi: Record<string, string[]> | null = null;
  for (const [key, value] of rawPairs(query)) {
    let name: string;
    let decoded: string;
    try {
      name = formDecode(key);
      decoded = formDecode(value);
    } catch {
      throw new RefusedBySource("API Gateway answers 400 itself to a malformed query string");
    }
    (single ??= {})[name] = decoded;
    ((multi ??= {})[name] ??= []).push(decoded);
  }
  event.httpMethod = request.method;
  event.requestContext.httpMethod = request.method;
  // REST APIs pass the path as sent; the stage shows only in requestContext.path.
  event.path = path;
  event.requestContext.path = `/${stage}${path}`;
  event.requestContext.identity.sourceIp = clientAddress;
  event.resource = "/{proxy+}";
  event.pathParameters = path === "/" ? null : { proxy: path.slice(1) };
  event.headers = { ...headers };
  event.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  event.queryStringParameters = single;
  event.multiValueQueryStringParameters = multi;
  Object.assign(event, carryBody(request.body, contentTypeOf(headers)));
  return event;
}

function v2Like(request: ContractRequest, event: Json, rawPath: string): Json {
  const { query } = split(request.path);
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(forwarded(request.headers))) {
    const lower = name.toLowerCase();
    headers[lower] = headers[lower] === undefined ? value : `${headers[lower]},${value}`;
  }
  if (headers.cookie !== undefined) cookies = headers.cookie.split(/;\s*/);
  const params: Record<string, string> = {};
  for (const [key, value] of rawPairs(query)) {
    try {
      const name = formDecode(key);
      params[name] = params[name] === undefined ? formDecode(value) : `${params[name]},${formDecode(value)}`;
    } catch {
      // rawQueryString still carries it as sent
    }
  }
  event.rawPath = rawPath;
  event.rawQueryString = query;
  event.requestContext.http.method = request.method;
  event.requestContext.http.path = rawPath;
  event.requestContext.http.sourceIp = clientAddress;
  event.headers = headers;
  if (cookies) event.cookies = cookies;
  else delete event.cookies;
  if (Object.keys(params).length > 0) event.queryStringParameters = params;
  else delete event.queryStringParameters;
  Object.assign(event, carryBody(request.body, headers["content-type"]));
  return event;
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** HTTP API: a named stage leads `rawPath`, which comes decoded; the Cookie header becomes `cookies`. */
export function v2Event(request: ContractRequest, template: Json = fixture(templates.v2)): Json {
  const event = structuredClone(template);
  const stage = event.requestContext.stage as string;
  const path = decodedPath(split(request.path).path);
  const withStage = stage === "$default" ? path : `/${stage}${path}`;
  const built = v2Like(request, event, withStage);
  delete built.headers.cookie;
  return built;
}

/** Function URL: `rawPath` as sent, and the Cookie header kept beside the `cookies` array. */
export function urlEvent(request: ContractRequest, template: Json = fixture(templates.url)): Json {
  return v2Like(request, structuredClone(template), split(request.path).path);
}

/** ALB: path and query as sent; in single-value mode the last value of a repeated key or header wins. */
export function albEvent(request: ContractRequest, multiValue: boolean, template?: Json): Json {
  const event = structuredClone(template ?? fixture(multiValue ? templates["alb-multi"] : templates["alb-single"]));
  const { path, query } = split(request.path);
  const headers = Object.entries(forwarded(request.headers)).map(([name, value]) => [name.toLowerCase(), value] as const);
  const pairs = rawPairs(query);
  event.httpMethod = request.method;
  event.path = path;
  delete event.headers;
  delete event.multiValueHeaders;
  delete event.queryStringParameters;
  delete event.multiValueQueryStringParameters;
  if (multiValue) {
    event.multiValueHeaders = {};
    for (const [name, value] of headers) (event.multiValueHeaders[name] ??= []).push(value);
    event.multiValueQueryStringParameters = {};
    for (const [key, value] of pairs) (event.multiValueQueryStringParameters[key] ??= []).push(value);
  } else {
    event.headers = Object.fromEntries(headers);
    event.queryStringParameters = Object.fromEntries(pairs);
  }
  Object.assign(event, carryBody(request.body, contentTypeOf(request.headers ?? {})));
  return event;
}

export function eventFor(kind: Kind, request: ContractRequest): Json {
  switch (kind) {
    case "v1":
      return v1Event(request);
    case "v2":
      return v2Event(request);
    case "url":
      return urlEvent(request);
    case "alb-single":
      return albEvent(request, false);
    case "alb-multi":
      return albEvent(request, true);
  }
}

/** What a client receives for a result, as each source turns it into an HTTP response. */
export function responseOf(result: Json): ContractResponse {
  const headers = Object.create(null) as Record<string, string[]>;
  const add = (name: string, value: string) => (headers[name.toLowerCase()] ??= []).push(String(value));
  const multi = (result.multiValueHeaders ?? {}) as Record<string, string[]>;
  for (const [name, value] of Object.entries((result.headers ?? {}) as Record<string, string>)) {
    // API Gateway merges the two maps, an identical pair once.
    if (!(Object.hasOwn(multi, name) && multi[name]!.includes(value))) add(name, value);
  }
  for (const [name, values] of Object.entries(multi)) for (const value of values) add(name, value);
  for (const cookie of (result.cookies ?? []) as string[]) add("set-cookie", cookie);
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body ?? "", "utf8");
  return { status: result.statusCode, headers, body: new Uint8Array(body) };
}
