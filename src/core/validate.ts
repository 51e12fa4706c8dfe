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

/** Validates one request part; each issue gets a JSON pointer from the part's root. */
export async function check(schema: Schema, value: unknown, part: string): Promise<Checked> {
  const result = schema.async ? await safeParseAsync(schema, value) : safeParse(schema, value);
  return result.success ? { ok: true, value: result.output } : { ok: false, errors: toFieldErrors(part, result.issues) };
}
