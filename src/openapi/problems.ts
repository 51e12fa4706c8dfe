import { HttpError } from "../core/http-error.js";
import { problemMediaType, problemOf } from "../core/problems.js";
import { statusText } from "../core/status.js";
import type { JsonSchema } from "./json-schema.js";

/**
 * The RFC 9457 document every error answers with, as `problemOf` in core writes it. A new object
 * for each document: one document's changes (a description added) do not reach another's.
 */
export function problemSchema(): JsonSchema {
  return {
    type: "object",
    description: "An RFC 9457 problem: what went wrong, in a shape every route shares.",
    properties: {
      type: { type: "string", description: "A URI naming the problem type; `about:blank` when the status says it all." },
      title: { type: "string", description: "The status phrase, or a short summary of the problem type." },
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: { type: "string", description: "What went wrong with this request." },
      instance: { type: "string" },
      requestId: { type: "string", description: "Quote it when reporting a problem; it is in the logs too." },
      errors: {
        type: "array",
        description: "For a 400: each part of the request a schema refused.",
        items: {
          type: "object",
          properties: {
            pointer: { type: "string", description: "A JSON pointer from the request's parts: `/body/name`, `/query/page`." },
            detail: { type: "string" },
          },
          required: ["pointer", "detail"],
        },
      },
    },
    required: ["type", "title", "status"],
  };
}

/** What core answers by itself, whatever the job: the responses every operation may get. */
function standardMeaning(status: number): string | undefined {
  const standard: Record<number, string> = {
    400: "The request is malformed (percent-encoding, JSON) or a schema refused a part; `errors` lists each field.",
    404: "No route matches the path, or the job found nothing there.",
    401: "The credentials are missing or not valid; `WWW-Authenticate` says which scheme.",
    405: "The path exists but not for this method; the `Allow` header lists those that do.",
    413: "The body is larger than the limit.",
    415: "The body is of a media type this operation does not read.",
    500: "The job failed; the problem carries a request id to quote, and nothing of the failure.",
    504: "The job did not answer within its deadline.",
  };
  return standard[status];
}

/** The name of the shared response for a status, in `components.responses`. */
export function problemName(status: number): string {
  return `Problem${status}`;
}

/**
 * A problem as core writes it for `status`. Without it, docs pages make their example from the
 * shared schema: a 404 shown with status 400 (the schema's minimum) and a list of field errors.
 */
function exampleOf(status: number): Record<string, unknown> {
  const errors = status === 400 ? [{ pointer: "/body/name", detail: "Invalid length: Expected >=3 but received 2" }] : undefined;
  return problemOf(new HttpError(status, undefined, errors ? { errors } : {}), undefined, "5f0c6b0e-8d3e-4a8e-9c1b-2f4d7a9e3c10");
}

/** A problem+json response, described by its standard meaning or its status phrase. */
export function problemResponse(status: number, schema?: JsonSchema) {
  // A job's own schema for the problem (extension members) has examples only the job knows.
  const media = schema ? { schema } : { schema: { $ref: "#/components/schemas/Problem" }, example: exampleOf(status) };
  const response: Record<string, unknown> = {
    description: standardMeaning(status) ?? statusText(status),
    content: { [problemMediaType]: media },
  };
  if (status === 405) response.headers = { Allow: { description: "The methods the path answers.", schema: { type: "string" } } };
  return response;
}

export function problemRef(status: number) {
  return { $ref: `#/components/responses/${problemName(status)}` };
}
