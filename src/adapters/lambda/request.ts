/** What every event kind needs to become core's `Incoming`: headers, path, query and body. */
import { HttpError } from "../../core/http-error.js";
import { tooLarge } from "../../core/problems.js";
import type { BodyReader } from "../../core/types.js";
import { bareRecord } from "./bare-record.js";
import { entries, entry, fields, texts } from "./fields.js";

type Headers = Record<string, string | undefined>;

export function headerMap(): Headers {
  return bareRecord<string | undefined>();
}

/**
 * Lower-case header names by the name as sent. The same few dozen names come with every
 * event; caching them saves a new string per header, which showed in the bench's profile.
 * Bounded, so names a client makes up cannot grow it.
 */
const lowerNames = new Map<string, string>();

function lowerName(key: string): string {
  let name = lowerNames.get(key);
  if (name === undefined) {
    name = key.toLowerCase();
    if (lowerNames.size < 512) lowerNames.set(key, name);
  }
  return name;
}

function join(name: string, prev: string, value: string): string {
  return prev + (name === "cookie" ? "; " : ", ") + value;
}

/**
 * Adds a source's headers under lower-case names, joining names that differ only in case.
 * `pointer` names the map in the event, for the 400 when it is not a map of strings.
 */
export function addHeaders(into: Headers, map: unknown, pointer: string): Headers {
  const source = fields(map, pointer);
  if (source) {
    for (const key in source) {
      const value = entry(source[key], pointer);
      if (value === undefined) continue;
      const name = lowerName(key);
      const prev = into[name];
      into[name] = prev === undefined ? value : join(name, prev, value);
    }
  }
  return into;
}

/**
 * A single-value map's headers under lower-case names, as `addHeaders` gives them. A map whose
 * names are all lower-case already and whose values are all strings, as HTTP APIs and Function
 * URLs send them, is copied whole: V8 copies such an object in one step, where adding its twenty
 * names one by one was a fifth of a Function URL GET in the bench's profile. The copy's prototype
 * is then dropped, as `headerMap`'s has none.
 */
export function headersOf(map: unknown, pointer: string): Headers {
  const source = fields(map, pointer);
  if (!source) return headerMap();
  for (const key in source) {
    if (typeof source[key] !== "string" || lowerName(key) !== key) return addHeaders(headerMap(), source, pointer);
  }
  return Object.setPrototypeOf({ ...source }, null) as Headers;
}

/**
 * Adds multi-value headers (API Gateway REST, ALB in multi-value mode), each list joined as HTTP
 * allows. Returns how many names it added: none tells the caller to read the single-value map.
 */
export function addMultiHeaders(into: Headers, map: unknown, pointer: string): number {
  let added = 0;
  const source = fields(map, pointer);
  if (source) {
    for (const key in source) {
      const values = entries(source[key], pointer);
      if (!values || values.length === 0) continue;
      const name = lowerName(key);
      let value = values[0]!;
      for (let i = 1; i < values.length; i++) value = join(name, value, values[i]!);
      const prev = into[name];
      into[name] = prev === undefined ? value : join(name, prev, value);
      added++;
    }
  }
  return added;
}

/**
 * Payload 2.0 moves the client's cookies to a `cookies` array; Function URLs may keep the
 * `cookie` header as well. One `cookie` header results, each cookie in it once.
 */
export function addCookies(into: Headers, list: unknown, pointer: string): void {
  const cookies = texts(list, pointer);
  if (!cookies || cookies.length === 0) return;
  const header = into.cookie;
  if (header === undefined || header === "") {
    into.cookie = cookies.join("; ");
    return;
  }
  const have = new Set(header.split(/;\s*/));
  let joined = header;
  for (const cookie of cookies) {
    if (!have.has(cookie)) {
      have.add(cookie);
      joined += "; " + cookie;
    }
  }
  into.cookie = joined;
}

/** A character that can never stand literally in a percent-encoded path. */
const unsafeInPath = /[^\x21-\x7e]+|[?#]|%(?![\da-fA-F]{2})/g;

/** Percent-encodes text for a path or a query; used for both, since they fail on the same input. */
function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate: no UTF-8 for it, so it stands as U+FFFD, as a browser sends it.
    return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, "\ufffd"));
  }
}

/**
 * The path percent-encoded, as core expects. REST APIs, Function URLs and ALB pass it as the
 * client sent it, already encoded, and it comes through unchanged; HTTP APIs decode it first,
 * so characters that cannot stand in an encoded path (space, non-ASCII, `?`, `#`, a bare `%`)
 * are encoded again.
 */
export function encodedPath(path: string | undefined): string {
  if (!path) return "/";
  unsafeInPath.lastIndex = 0;
  if (unsafeInPath.test(path)) {
    unsafeInPath.lastIndex = 0;
    path = path.replace(unsafeInPath, encodeComponent);
  }
  return path.charCodeAt(0) === 47 /* / */ ? path : "/" + path;
}

/** `/prefix/rest` → `/rest`, only at a segment boundary. */
export function stripPrefix(path: string, prefix: string | undefined): string {
  if (!prefix || !path.startsWith(prefix)) return path;
  if (path.length === prefix.length) return "/";
  return path.charCodeAt(prefix.length) === 47 ? path.slice(prefix.length) : path;
}

/**
 * A raw query string from a source's parameter maps, the multi-value map preferred (an event
 * written by hand may fill only the single-value one). `encode`: API Gateway REST hands the
 * values decoded, so they are encoded again for core to decode once; ALB hands them as the
 * client sent them, so they are joined untouched.
 */
export function queryOf(multiMap: unknown, singleMap: unknown, encode: boolean): string {
  let query = "";
  // Both payload 1.0 sources name the maps alike, so the 400 can name them here.
  const multi = fields(multiMap, "/multiValueQueryStringParameters");
  if (multi) {
    for (const key in multi) {
      const values = entries(multi[key], "/multiValueQueryStringParameters");
      if (!values) continue;
      const name = encode ? encodeComponent(key) : key;
      for (const value of values) query += (query === "" ? "" : "&") + name + "=" + (encode ? encodeComponent(value) : value);
    }
  }
  const single = query === "" ? fields(singleMap, "/queryStringParameters") : undefined;
  if (single) {
    for (const key in single) {
      const value = entry(single[key], "/queryStringParameters");
      if (value === undefined) continue;
      query += (query === "" ? "" : "&") + (encode ? encodeComponent(key) : key) + "=" + (encode ? encodeComponent(value) : value);
    }
  }
  return query;
}

const notBase64 = /[^A-Za-z0-9+/=]/;

function decodeBase64(text: string): Buffer {
  const bytes = Buffer.from(text, "base64");
  // Buffer skips what is not base64 and stops at padding: a short result means a bad body.
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (notBase64.test(text) || bytes.length !== Math.floor((end * 3) / 4) || text.length - end > 2) {
    throw new HttpError(400, "The body is not valid base64", { errors: [{ pointer: "/body", detail: "invalid base64" }] });
  }
  return bytes;
}

/**
 * Reads the event's body: base64 decoded when the source says so, and `null`, a missing body
 * and an empty one all alike (no reader: core sees no body). Decoded only when a job reads it.
 */
export function bodyReaderOf(body: string | undefined, base64: boolean | undefined): BodyReader | undefined {
  if (body === undefined || body === "") return undefined;
  return (limit) => {
    // Every UTF-8 or base64 byte needs at least 1 or 4/3 characters: a cheap refusal first.
    if ((base64 ? Math.floor((body.length * 3) / 4) - 2 : body.length) > limit) return Promise.reject(tooLarge(limit));
    if (!base64) {
      // Text as the platform decoded it: core reads it as it is, with no round trip through bytes.
      return Buffer.byteLength(body, "utf8") > limit ? Promise.reject(tooLarge(limit)) : Promise.resolve(body);
    }
    let bytes: Buffer;
    try {
      bytes = decodeBase64(body);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return bytes.length > limit ? Promise.reject(tooLarge(limit)) : Promise.resolve(bytes);
  };
}
