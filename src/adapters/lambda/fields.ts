/**
 * The event's fields, read by the types the sources send. Lambda hands the function whatever JSON
 * it was invoked with: a test, a console template, a proxy or a direct `Invoke` may put a number
 * where API Gateway puts a string. A field of the wrong type answers 400 naming the field, never
 * its value; an absent or null field reads as absent, as the sources leave out what a request lacks.
 */
import { HttpError } from "../../core/http-error.js";

/** Thrown only by the reader, so the adapter can tell a malformed event (400) from its own failure (500). */
export class MalformedEvent extends HttpError {}

export type Fields = Readonly<Record<string, unknown>>;

/** An object of named fields: not null and not an array, which JSON would give for the same braces' place. */
export function isFields(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `pointer` is a JSON pointer into the event (`/requestContext/http/method`); `expected` names a type, never a value. */
export function malformed(pointer: string, expected: string): MalformedEvent {
  return new MalformedEvent(400, `The event is not one its source sends: ${pointer} is not ${expected}`, {
    errors: [{ pointer, detail: `expected ${expected}` }],
  });
}

function absent(value: unknown): value is null | undefined {
  return value === undefined || value === null;
}

export function text(value: unknown, pointer: string): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== "string") throw malformed(pointer, "a string");
  return value;
}

export function flag(value: unknown, pointer: string): boolean | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== "boolean") throw malformed(pointer, "a boolean");
  return value;
}

export function fields(value: unknown, pointer: string): Fields | undefined {
  if (absent(value)) return undefined;
  if (!isFields(value)) throw malformed(pointer, "an object");
  return value;
}

/** A list of strings, or absent; `expected` names the type in the 400. */
function stringList(value: unknown, pointer: string, expected: string): readonly string[] | undefined {
  if (absent(value)) return undefined;
  if (!Array.isArray(value)) throw malformed(pointer, expected);
  for (const item of value) if (typeof item !== "string") throw malformed(pointer, expected);
  return value as string[];
}

/** A list of strings (payload 2.0's `cookies`). */
export function texts(value: unknown, pointer: string): readonly string[] | undefined {
  return stringList(value, pointer, "a list of strings");
}

/**
 * A map's entry: a string, or absent. The pointer names the map, not the key: a key is the
 * client's text, and a problem document or a log line should not carry it.
 */
export function entry(value: unknown, map: string): string | undefined {
  if (absent(value)) return undefined;
  if (typeof value !== "string") throw malformed(map, "an object of strings");
  return value;
}

/** A multi-value map's entry: a list of strings, or absent. */
export function entries(value: unknown, map: string): readonly string[] | undefined {
  return stringList(value, map, "an object of lists of strings");
}
