import { safeParse, safeParseAsync } from "valibot";
import type { FieldError } from "./http-error.js";
import type { Schema } from "./job.js";
import { escapePointer } from "./parts.js";

export type Checked = { ok: true; value: unknown } | { ok: false; errors: FieldError[] };

interface IssueLike {
  message: string;
  path?: readonly { key: unknown }[] | undefined;
}

function toFieldErrors(part: string, issues: readonly IssueLike[]): FieldError[] {
  return issues.map((issue) => ({
    pointer: `/${part}${(issue.path ?? []).map((item) => `/${escapePointer(String(item.key))}`).join("")}`,
    detail: issue.message,
  }));
}

function checked(result: { success: boolean; output: unknown; issues?: readonly IssueLike[] }, part: string): Checked {
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: toFieldErrors(part, result.issues!) };
}

/**
 * Validates one request part; each issue gets a JSON pointer from the part's root. Answers
 * at once for a sync schema, so a request that reads no body awaits nothing before its job.
 */
export function check(schema: Schema, value: unknown, part: string): Checked | Promise<Checked> {
  if (schema.async) return safeParseAsync(schema, value).then((result) => checked(result, part));
  return checked(safeParse(schema, value), part);
}
