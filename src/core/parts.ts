import type { Accepted, BodyDecoder } from "./job.js";
import { charsetOf, mediaKind, unsupported } from "./media-types.js";
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
  const mediaType = contentType?.split(";", 1)[0]!.trim().toLowerCase();
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
 * Both checks are loops, linear in the body, whatever its depth.
 */
export function parseJson(text: string): unknown {
  // A body needs two characters a level: shorter ones cannot be too deep, and are searched for
  // the words instead. A longer one is scanned once for both: a substring search for
  // `constructor`, whose first letter is common, cost a 900 KiB body half as much as the scan.
  let named: boolean;
  if (text.length > 2 * maxJsonDepth) {
    const scanned = scanJson(text, maxJsonDepth);
    if (scanned === "too deep") throw nestedTooDeep(maxJsonDepth);
    named = scanned === "named";
  } else named = text.includes("__proto__") || text.includes("constructor");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformedJson();
  }
  // Keys are compared once parsed, so escapes are already resolved; a text with none of the
  // words and no escape cannot hold them.
  if (named || text.includes("\\u")) {
    const pointer = poisonedKey(value);
    if (pointer) throw forbiddenKey(pointer);
  }
  return value;
}

/**
 * One pass over a text: whether brackets outside strings open deeper than `limit`, else whether
 * a string is spelled `__proto__` or `constructor` as it stands (escaped spellings are found by
 * their `\u`). The text is valid JSON or is refused later. A string is skipped with `indexOf` to
 * its closing quote (one not escaped: an even run of backslashes before it), not character by
 * character: most of a body's text is strings.
 */
function scanJson(text: string, limit: number): "too deep" | "named" | "plain" {
  let depth = 0;
  let named = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (end < 0) break;
      const length = end - i - 1;
      if ((length === 9 && text.startsWith("__proto__", i + 1)) || (length === 11 && text.startsWith("constructor", i + 1))) named = true;
      i = end;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return "too deep";
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return named ? "named" : "plain";
}

/** Where the string opened at `open` ends (its closing quote), or -1 when it never does. */
function stringEnd(text: string, open: number): number {
  let quote = open;
  for (;;) {
    quote = text.indexOf('"', quote + 1);
    if (quote < 0) return -1;
    let before = quote - 1;
    while (text.charCodeAt(before) === 0x5c) before--;
    if ((quote - before) % 2 === 1) return quote;
  }
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
