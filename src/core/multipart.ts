/**
 * `multipart({ fileSize, files })`: a job's `accept` for `multipart/form-data`, read by
 * `@remix-run/multipart-parser` (web standards only, the same on every platform). A value the
 * app imports rather than a body kind core knows, so an app without uploads bundles no parser.
 */
import { MaxFileSizeExceededError, MaxPartsExceededError, MultipartParseError, parseMultipart } from "@remix-run/multipart-parser";
import { HttpError } from "./http-error.js";
import type { BodyDecoder } from "./job.js";
import { tooLarge } from "./problems.js";

export interface MultipartOptions {
  /** Largest file in bytes; a larger one answers 413. Default: the job's body limit. */
  fileSize?: number;
  /** Most files in one body; more answer 413. Default 10. */
  files?: number;
  /** Most parts (fields and files) in one body; more answer 413. Default 100. */
  parts?: number;
}

/** What a multipart body gives the job's `body` schema: each text field a string, each file a `File`; a repeated name an array. */
export type MultipartFields = Record<string, string | File | (string | File)[]>;

function malformed(detail: string): HttpError {
  return new HttpError(400, `The body is not valid multipart/form-data: ${detail}`, {
    errors: [{ pointer: "/body", detail: "malformed multipart/form-data" }],
  });
}

export function multipart(options: MultipartOptions = {}): BodyDecoder {
  const maxFiles = options.files ?? 10;
  const maxParts = options.parts ?? 100;
  return {
    kind: "multipart",
    mediaType: "multipart/form-data",
    decode(raw, contentType, limit) {
      const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
      if (!boundary) throw malformed("no boundary in its content-type");
      const fileSize = options.fileSize ?? limit;
      // Null prototype: a field named `__proto__` stays a field.
      const fields = Object.create(null) as MultipartFields;
      let files = 0;
      try {
        // A string only where a platform decoded the body as text already (Lambda without base64).
        const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
        for (const part of parseMultipart(bytes, { boundary: boundary[1] ?? boundary[2]!, maxFileSize: fileSize, maxParts, maxTotalSize: limit })) {
          const name = part.name;
          if (name === undefined) throw malformed("a part has no name");
          let value: string | File;
          if (part.isFile) {
            if (++files > maxFiles) throw new HttpError(413, `The body has more than ${maxFiles} file${maxFiles === 1 ? "" : "s"}`);
            value = new File([part.bytes as Uint8Array<ArrayBuffer>], part.filename!, { type: part.mediaType ?? "application/octet-stream" });
          } else value = part.text;
          const prev = fields[name];
          if (prev === undefined) fields[name] = value;
          else if (Array.isArray(prev)) prev.push(value);
          else fields[name] = [prev, value];
        }
      } catch (error) {
        if (error instanceof MaxFileSizeExceededError) throw new HttpError(413, `A file is larger than the limit of ${fileSize} bytes`);
        if (error instanceof MaxPartsExceededError) throw new HttpError(413, `The body has more than ${maxParts} parts`);
        if (error instanceof MultipartParseError) throw error.name === "MaxTotalSizeExceededError" ? tooLarge(limit) : malformed("its parts cannot be read");
        throw error;
      }
      return fields;
    },
  };
}
