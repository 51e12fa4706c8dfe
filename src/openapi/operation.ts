import type { SecuredExtractor, SecurityScheme } from "../core/bearer.js";
import type { AnyJob, Schema } from "../core/job.js";
import { acceptOf, acceptedMediaType } from "../core/media-types.js";
import { statusText } from "../core/status.js";
import type { JsonSchema, SchemaConverter } from "./json-schema.js";
import { acceptsNothing } from "./json-schema.js";
import { problemRef, problemResponse } from "./problems.js";
import type { TemplatedPath } from "./path.js";


export interface OperationContext {
  convert: SchemaConverter;
  /** The app's timeout: with one, every operation may answer 504. */
  timeout: number | undefined;
  /** Statuses whose problem responses the operation references, for `components.responses`. */
  used: Set<number>;
  /** The security schemes operations require, by the name of their extractor, for `components.securitySchemes`. */
  securitySchemes: Record<string, SecurityScheme>;
}

/** One operation: the job's parameters, body, declared responses and the problems core may answer. */
export function operation(job: AnyJob, path: TemplatedPath, id: string, context: OperationContext) {
  const op: Record<string, unknown> = { operationId: id };
  if (job.options.summary) op.summary = job.options.summary;
  if (job.options.description) op.description = job.options.description;
  const parameters = [
    ...pathParameters(job.spec.params, path, context.convert),
    ...namedParameters(job.spec.query, "query", context.convert),
    // OpenAPI ignores header parameters by these names: content negotiation and security say them.
    ...namedParameters(job.spec.headers, "header", context.convert).filter((p) => !["accept", "content-type", "authorization"].includes(p.name.toLowerCase())),
    ...namedParameters(job.spec.cookies, "cookie", context.convert),
  ];
  if (parameters.length > 0) op.parameters = parameters;
  if (job.spec.body) op.requestBody = requestBody(job, job.spec.body, context.convert);
  const security = securityOf(job, context);
  if (security.length > 0) op.security = security;
  op.responses = responses(job, context, security.length > 0);
  return op;
}

/** Every extractor of the job that is a security scheme (`bearer()`): all of them are required, so one requirement object. */
function securityOf(job: AnyJob, context: OperationContext): Record<string, string[]>[] {
  const requirement: Record<string, string[]> = {};
  for (const [name, part] of Object.entries(job.spec)) {
    const scheme = typeof part === "function" ? (part as Partial<SecuredExtractor>).securityScheme : undefined;
    if (!scheme) continue;
    const known = context.securitySchemes[name];
    if (known && JSON.stringify(known) !== JSON.stringify(scheme)) throw new TypeError(`two security schemes are named "${name}"`);
    // A copy: the document is the caller's to change, the extractor's scheme is not.
    context.securitySchemes[name] = structuredClone(scheme);
    requirement[name] = [];
  }
  return Object.keys(requirement).length > 0 ? [requirement] : [];
}

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

/** Every name in the path template, typed from the params schema where it names it. */
function pathParameters(schema: Schema | undefined, path: TemplatedPath, convert: SchemaConverter): Parameter[] {
  const declared = schema ? objectParts(convert.resolve(convert.convert(schema))) : undefined;
  return path.params.map(({ name, pattern }) => {
    const typed = declared?.properties[name] ?? { type: "string", ...(pattern ? { pattern } : {}) };
    return { name, in: "path", required: true, schema: typed };
  });
}

function namedParameters(schema: Schema | undefined, place: "query" | "header" | "cookie", convert: SchemaConverter): Parameter[] {
  if (!schema) return [];
  const parts = objectParts(convert.resolve(convert.convert(schema)));
  if (!parts) return [];
  return Object.entries(parts.properties).map(([name, typed]) => {
    const parameter: Parameter = { name, in: place, required: parts.required.has(name), schema: typed };
    if (typeof typed.description === "string") parameter.description = typed.description;
    return parameter;
  });
}

function objectParts(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: Set<string> } | undefined {
  if (typeof schema.properties !== "object" || schema.properties === null) return undefined;
  return {
    properties: schema.properties as Record<string, JsonSchema>,
    required: new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []),
  };
}

/** The body in each media type the job reads (its `accept` option; JSON by default). */
function requestBody(job: AnyJob, schema: Schema, convert: SchemaConverter) {
  const typed = convert.convert(schema);
  const content: Record<string, { schema?: JsonSchema }> = {};
  // Bytes reach the job as they came: OpenAPI 3.1 says so by giving no schema.
  for (const kind of acceptOf(job.options.accept)) content[acceptedMediaType(kind)] = kind === "bytes" ? {} : { schema: typed };
  return { required: !acceptsNothing(schema), content };
}

function responses(job: AnyJob, context: OperationContext, secured: boolean) {
  const out: Record<string, unknown> = {};
  const declared = job.spec.responses ?? {};
  let success = false;
  for (const [key, schema] of Object.entries(declared)) {
    const status = Number(key);
    if (status >= 400) {
      // A schema on an error status describes the problem's extension members.
      const extended = schema && { allOf: [{ $ref: "#/components/schemas/Problem" }, context.convert.convert(schema)] };
      out[key] = extended ? problemResponse(status, extended) : use(status, context);
      continue;
    }
    success = true;
    const description = statusText(status) || (status < 300 ? "Success" : "Redirect");
    if (!schema) {
      out[key] = { description };
      continue;
    }
    const mediaType = mediaTypeOf(schema);
    // Bytes have no JSON Schema to give; OpenAPI 3.1 says "any bytes" by giving none.
    const typed = mediaType === "application/octet-stream" ? {} : { schema: context.convert.convert(schema) };
    out[key] = { description, content: { [mediaType]: typed } };
  }
  if (!success) out["2XX"] = { description: "The job's result (its responses are not declared)." };
  const errors = [400, 404, 405, 500];
  if (job.spec.body) errors.push(413, 415);
  if (secured) errors.push(401);
  if ((job.options.timeout ?? context.timeout) !== undefined) errors.push(504);
  for (const status of errors.sort((a, b) => a - b)) out[String(status)] ??= use(status, context);
  return out;
}

function use(status: number, context: OperationContext) {
  context.used.add(status);
  return problemRef(status);
}

/** A string body goes out as text, bytes as octet-stream, anything else as JSON: as core writes them. */
function mediaTypeOf(schema: Schema): string {
  if (schema.type === "string") return "text/plain";
  if (schema.type === "instance" && (schema as { class?: unknown }).class === Uint8Array) return "application/octet-stream";
  return "application/json";
}
