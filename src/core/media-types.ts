/** Which media types a job's body kinds stand for: read by core, listed by the 415 and the OpenAPI document. */
import type { Accepted, BodyKind } from "./job.js";
import { unsupportedMediaType } from "./problems.js";

/**
 * Each body kind: the media type a document names it by, and how a 415 describes it to people.
 * Made on each call (a document or a 415, never a request's common path) rather than a module
 * constant, which a mutation test cannot vary.
 */
function bodyKinds(): Record<BodyKind, { mediaType: string; described: string }> {
  return {
    json: { mediaType: "application/json", described: "application/json" },
    form: { mediaType: "application/x-www-form-urlencoded", described: "application/x-www-form-urlencoded" },
    text: { mediaType: "text/plain", described: "text/*" },
    bytes: { mediaType: "application/octet-stream", described: "any media type" },
  };
}

/** A job's `accept` option as a list: JSON when unset. */
export function acceptOf(accept: Accepted | readonly Accepted[] | undefined): readonly Accepted[] {
  if (accept === undefined) return ["json"];
  return typeof accept === "string" || !Array.isArray(accept) ? [accept as Accepted] : accept;
}

/** The media type an accepted kind is named by in a document. */
export function acceptedMediaType(accepted: Accepted): string {
  return typeof accepted === "string" ? bodyKinds()[accepted].mediaType : accepted.mediaType;
}

/**
 * The body kind a (lower-case, parameter-free) media type is read as, if any. Any other type
 * (`application/octet-stream` among them) is `bytes` for a job that accepts bytes, as `readBody`
 * decides, after the job's own decoders: so it has no line of its own here.
 */
export function mediaKind(mediaType: string): BodyKind | undefined {
  if (mediaType === "application/json" || (mediaType.startsWith("application/") && mediaType.endsWith("+json"))) {
    return "json";
  }
  if (mediaType === "application/x-www-form-urlencoded") return "form";
  if (mediaType.startsWith("text/")) return "text";
  return undefined;
}

/** A `Content-Type`'s media type, lower-case, its parameters left off. */
export function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(";");
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

export function charsetOf(contentType: string): string {
  // Most bodies name no parameter at all: no pattern run for them.
  if (!contentType.includes(";")) return "utf-8";
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType);
  return match ? match[1]!.toLowerCase() : "utf-8";
}

/** The 415 for a body the job does not read, naming what it does read. */
export function unsupported(mediaType: string | undefined, accept: readonly Accepted[]): ReturnType<typeof unsupportedMediaType> {
  const kinds = bodyKinds();
  const described = (kind: Accepted) => (typeof kind === "string" ? kinds[kind].described : kind.mediaType);
  const expected = accept.map(described).join(" or ");
  const acceptPost = accept.filter((kind) => kind !== "bytes").map(described).join(", ");
  return unsupportedMediaType(mediaType, expected, acceptPost);
}
