/**
 * Cookies, read and written by Hono's cookie utility (RFC 6265): the parser behind the `cookies`
 * part of a spec, and `cookie()`, the serializer a job's result uses for its `set-cookie` lines.
 * Separate from the pipeline so an app that sets no cookie bundles no serializer.
 */
import { parse, serialize, type CookieOptions } from "hono/utils/cookie";

/** The attributes a `set-cookie` line may carry. */
export type CookieAttributes = Pick<CookieOptions, "domain" | "expires" | "httpOnly" | "maxAge" | "path" | "secure" | "sameSite" | "partitioned">;

/**
 * The request's cookies by name, each value percent-decoded once. A name sent twice keeps its
 * first value, the one RFC 6265 has the browser send first (the more specific path).
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  return header ? parse(header) : (Object.create(null) as Record<string, string>);
}

/**
 * One `set-cookie` value: `headers: { "set-cookie": [cookie("sid", id, { httpOnly: true })] }`.
 * The value is percent-encoded, so a cookie part of a spec reads back what was set.
 */
export function cookie(name: string, value: string, attributes: CookieAttributes = {}): string {
  return serialize(name, value, attributes as CookieOptions);
}
