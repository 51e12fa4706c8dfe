import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig, type JsonSchema } from "@valibot/to-json-schema";
import type { GenericSchema } from "valibot";
import type { Schema } from "../core/job.js";

export type { JsonSchema };

/** Turns valibot schemas into the JSON Schemas (2020-12, the dialect of OpenAPI 3.1) a document holds. */
export interface SchemaConverter {
  /** The JSON Schema of what a client sends, or a job returns, for `schema`. */
  convert(schema: Schema): JsonSchema;
  /** The named schemas, for `components.schemas`. */
  named(): Record<string, JsonSchema>;
  /** The schema itself when `schema` is a `$ref` to a named one, so its properties can be read. */
  resolve(schema: JsonSchema): JsonSchema;
}

/** Where a named schema is, in the document. A function, not a module constant: see index.ts's allMethods. */
function componentRef(): string {
  return "#/components/schemas/";
}

/**
 * `typeMode: "input"` stops at the first transform: a request part is documented as what the
 * client sends, and a response as what the job returns (the input of its schema). Actions JSON
 * Schema cannot say (`check`, `transform`, a `date` without a format) are left out rather than
 * thrown on: `errorMode: "ignore"`. Lengths, patterns, enums and formats are kept.
 */
function config(definitions: Record<string, GenericSchema>): ConversionConfig {
  return {
    target: "draft-2020-12",
    typeMode: "input",
    errorMode: "ignore",
    definitions,
    overrideRef: ({ referenceId }) => componentRef() + referenceId,
    // A file of a multipart body: OpenAPI's binary string, which docs pages offer as a file input.
    overrideSchema: ({ valibotSchema }) =>
      valibotSchema.type === "file" || valibotSchema.type === "blob" ? { type: "string", format: "binary" } : undefined,
  };
}

/** `named` schemas become components referenced by `$ref` wherever they appear. */
export function schemaConverter(named: Record<string, Schema> = {}): SchemaConverter {
  // Async schemas convert the same way; the converter's types only name the sync ones.
  const definitions = named as Record<string, GenericSchema>;
  const settings = config(definitions);
  let components: Record<string, JsonSchema> | undefined;
  const named_ = () => (components ??= clean(toJsonSchemaDefs(definitions, settings)));
  return {
    convert(schema) {
      const { $schema: _dialect, $defs: _defs, ...rest } = toJsonSchema(schema as GenericSchema, settings);
      return rest;
    },
    named: named_,
    resolve(schema) {
      const prefix = componentRef();
      const ref = typeof schema.$ref === "string" && schema.$ref.startsWith(prefix) ? schema.$ref : undefined;
      return ref ? (named_()[ref.slice(prefix.length)] ?? schema) : schema;
    },
  };
}

function clean(schemas: Record<string, JsonSchema>): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [name, { $schema: _dialect, $defs: _defs, ...rest }] of Object.entries(schemas)) out[name] = rest;
  return out;
}

/** Whether a body schema lets the body be left out. */
export function acceptsNothing(schema: Schema): boolean {
  return ["optional", "nullish", "undefinedable", "exact_optional", "undefined", "any", "unknown"].includes(schema.type);
}
