import type { Accepted, BodyDecoder } from "./job.js";
import { charsetOf, mediaKind, mediaTypeOf, unsupported } from "./media-types.js";
import { badEncoding, forbiddenKey, invalidText, malformedJson, nestedTooDeep, tooLarge, unsupportedCharset } from "./problems.js";
import type { Incoming } from "./types.js";

export type QueryValues = Record<string, string | string[]>;

function decodeComponent(text: string, part: string, plus: boolean): string {
  if (plus && text.includes("+")) text = text.replaceAll("+", " ");
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    throw badEncoding(part);
  }
}

/**
 * `a=1&b=2&a=3` → `{ a: ["1", "3"], b: "2" }`: one value as a string, repeated keys as an
 * array, in the order sent. A null-prototype object, so no key reaches a prototype.
 */
export function parseQuery(raw: string, part = "query"): QueryValues {
  const values = Object.create(null) as QueryValues;
  if (raw === "") return values;
  for (const pair of raw.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), part, true);
    const value = eq < 0 ? "" : decodeComponent(pair.slice(eq + 1), part, true);
    const prev = values[key];
    if (prev === undefined) values[key] = value;
    else if (typeof prev === "string") values[key] = [prev, value];
    else prev.push(value);
  }
  return values;
}

/** Decodes the router's raw path parameters. */
export function decodeParams(raw: Record<string, string>): Record<string, string> {
  // The keys are the route's own parameter names, never the client's: a plain object is safe.
  const params: Record<string, string> = {};
  for (const key in raw) params[key] = decodeComponent(raw[key]!, "params", false);
  return params;
}

/** Checks the whole path once, so a single job answering any path refuses bad encodings too. */
export function checkPath(path: string): void {
  if (!path.includes("%")) return;
  try {
    decodeURIComponent(path);
  } catch {
    throw badEncoding("path");
  }
}

/** Made once: a decoder called without `stream` starts afresh on each call, and making one costs more than most decodes. */
let utf8Decoder: TextDecoder | undefined;

const encoder = new TextEncoder();

/** The body as text in its charset; a platform's string body (Lambda's) is already UTF-8 text. */
function textOf(raw: Uint8Array | string, charset: string): string {
  if (typeof raw !== "string") return decodeText(raw, charset);
  if (charset === "utf-8" || charset === "utf8") return raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  return decodeText(encoder.encode(raw), charset);
}

function decodeText(bytes: Uint8Array, charset: string): string {
  let decoder: TextDecoder;
  try {
    decoder =
      charset === "utf-8"
        ? (utf8Decoder ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }))
        : new TextDecoder(charset, { fatal: true, ignoreBOM: false });
  } catch {
    throw unsupportedCharset(charset);
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw invalidText(charset);
  }
}

/** The body, refused with 413 past `limit` before or while it is read. */
function readRaw(incoming: Incoming, limit: number): Promise<Uint8Array | string> | string {
  const length = incoming.headers["content-length"];
  if (length !== undefined && Number(length) > limit) throw tooLarge(limit);
  return incoming.body ? incoming.body(limit) : "";
}

/**
 * Reads and decodes the body in the media type it came in, if the job reads that one.
 * An empty body with no media type is `undefined`, left for the schema to judge.
 */
export async function readBody(incoming: Incoming, accept: readonly Accepted[], limit: number): Promise<unknown> {
  const contentType = incoming.headers["content-type"];
  const mediaType = contentType === undefined ? undefined : mediaTypeOf(contentType);
  // The job's own decoder for the media type first: one for `text/csv` or `application/x+json` reads it, not the built-in kind.
  const declared = mediaType ? (decoderFor(accept, mediaType) ?? mediaKind(mediaType)) : undefined;
  const kind = declared && accept.includes(declared) ? declared : accept.includes("bytes") ? "bytes" : undefined;
  if (mediaType && !kind) throw unsupported(mediaType, accept);
  const raw = await readRaw(incoming, limit);
  if (!kind) {
    if (raw.length === 0) return undefined;
    throw unsupported(undefined, accept);
  }
  if (typeof kind === "object") return kind.decode(raw, contentType!, limit);
  switch (kind) {
    case "bytes":
      return typeof raw === "string" ? encoder.encode(raw) : raw;
    case "text":
      return textOf(raw, charsetOf(contentType!));
    case "form":
      return parseQuery(textOf(raw, "utf-8"), "body");
    case "json": {
      const text = textOf(raw, charsetOf(contentType!));
      if (text.trim() === "") return undefined;
      return parseJson(text);
    }
  }
}

function decoderFor(accept: readonly Accepted[], mediaType: string): BodyDecoder | undefined {
  for (const kind of accept) if (typeof kind === "object" && kind.mediaType === mediaType) return kind;
  return undefined;
}

/**
 * Deepest nesting of arrays and objects a JSON body may have. Parsing is iterative, but what
 * receives the value (a recursive schema, JSON.stringify of an echo) may not be: past it, 400.
 */
export const maxJsonDepth = 256;

/**
 * JSON.parse that refuses nesting deeper than `maxJsonDepth`, and `__proto__` keys and
 * `constructor.prototype` however they are spelled (`"\u005f_proto__"` included), as Fastify does.
 * V8 parses iteratively, so a deep text is parsed like any other; the parsed value is then walked
 * once for both checks, no further than the depth allowed. Keys are compared once parsed, with
 * their escapes resolved. The walk visits only arrays and objects: a body's strings and numbers,
 * most of its text, cost it nothing (a scan of the text, string by string, cost a third of what
 * JSON.parse did on a 100 KiB order).
 */
export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformedJson();
  }
  if (typeof value === "object" && value !== null) {
    const found = inspect(value, 1);
    if (found === "too deep") throw nestedTooDeep(maxJsonDepth);
    if (found === "forbidden") throw forbiddenKey(poisonedKey(value)!);
  }
  return value;
}

/**
 * The first problem met walking a parsed value depth first: a container deeper than
 * `maxJsonDepth`, or a forbidden key. Recursive, but never more than `maxJsonDepth` calls deep.
 */
function inspect(value: object, depth: number): "too deep" | "forbidden" | undefined {
  if (depth > maxJsonDepth) return "too deep";
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (typeof child === "object" && child !== null) {
        const found = inspect(child, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }
  // `for…in` makes no array of keys per object (`Object.keys` does); own keys only, as it would
  // also list what a polluted `Object.prototype` holds.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key === "__proto__") return "forbidden";
    const child: unknown = (value as Record<string, unknown>)[key];
    if (typeof child !== "object" || child === null) continue;
    if (key === "constructor" && Object.hasOwn(child, "prototype")) return "forbidden";
    const found = inspect(child, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The pointer to the first forbidden key met, walking the value with a stack of its own. */
function poisonedKey(root: unknown): string | undefined {
  const values: unknown[] = [root];
  const pointers: string[] = ["/body"];
  while (values.length > 0) {
    const value = values.pop();
    const at = pointers.pop()!;
    if (typeof value !== "object" || value === null) continue;
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (key === "__proto__" || (key === "constructor" && typeof child === "object" && child !== null && Object.hasOwn(child, "prototype"))) {
        return `${at}/${escapePointer(key)}`;
      }
      if (typeof child === "object" && child !== null) {
        values.push(child);
        pointers.push(`${at}/${escapePointer(key)}`);
      }
    }
  }
  return undefined;
}

export function escapePointer(key: string | number): string {
  return String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}
