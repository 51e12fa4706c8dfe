/** What every event kind needs to turn core's `Outgoing` into its result: the body, encoded. */
import { statusText } from "../../core/status.js";
import { readWhole } from "../../core/read-whole.js";
import type { Outgoing } from "../../core/types.js";

/** A response whose body is text, bytes or nothing: a stream has been read whole. */
export interface Buffered extends Outgoing {
  body: string | Uint8Array | null;
}

interface EncodedBody {
  body: string;
  isBase64Encoded: boolean;
}

const empty: EncodedBody = { body: "", isBase64Encoded: false };

/** Text as text; bytes as base64, which every source decodes when `isBase64Encoded` is set. */
export function encodeBody(body: string | Uint8Array | null): EncodedBody {
  if (body === null) return empty;
  if (typeof body === "string") return { body, isBase64Encoded: false };
  if (body.length === 0) return empty;
  const buffer = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
  return { body: buffer.toString("base64"), isBase64Encoded: true };
}

const textual = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|x-www-form-urlencoded)\b|image\/svg\+xml)/i;

export function isBuffered(out: Outgoing): out is Buffered {
  const { body } = out;
  return body === null || typeof body === "string" || body instanceof Uint8Array;
}

/**
 * Reads a stream body whole: a Lambda result is one JSON document. It comes out as text when
 * its media type is textual and its bytes are valid UTF-8 (so API Gateway REST, which passes
 * base64 on unless the API lists binary media types, shows it as sent), else as bytes.
 */
export async function buffer(out: Outgoing): Promise<Buffered> {
  if (isBuffered(out)) return out;
  const bytes = await readWhole(out.body as ReadableStream<Uint8Array>);
  let type: string | undefined;
  for (const [name, value] of out.headers) if (name === "content-type") type = value;
  if (type !== undefined && textual.test(type)) {
    try {
      return { ...out, body: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
    } catch {
      // Not UTF-8 after all: sent as bytes.
    }
  }
  return { ...out, body: bytes };
}

/** `200 OK`, `404 Not Found`: the status line ALB writes from `statusDescription`. */
export function statusDescription(status: number): string {
  return `${status} ${statusText(status)}`.trimEnd();
}
