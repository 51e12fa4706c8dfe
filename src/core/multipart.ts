/**
 * `multipart({ fileSize, files })`: a job's `accept` for `multipart/form-data`, read by
 * `@remix-run/multipart-parser` (web standards only, the same on every platform). A value the
 * app imports rather than a body kind core knows, so an app without uploads bundles no parser.
 */
import {
  MaxFileSizeExceededError,
  MaxPartsExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  parseMultipart,
} from "@remix-run/multipart-parser";
import type { BodyDecoder } from "./job.js";
import { fileTooLarge, malformedMultipart, tooLarge, tooManyParts } from "./problems.js";

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

export function multipart(options: MultipartOptions = {}): BodyDecoder {
  const maxFiles = options.files ?? 10;
  const maxParts = options.parts ?? 100;
  return {
    kind: "multipart",
    mediaType: "multipart/form-data",
    decode(raw, contentType, limit) {
      const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
      if (!boundary) throw malformedMultipart("no boundary in its content-type");
      const fileSize = options.fileSize ?? limit;
      // Null prototype: a field named `__proto__` stays a field.
      const fields = Object.create(null) as MultipartFields;
      let files = 0;
      try {
        // A string only where a platform decoded the body as text already (Lambda without base64).
        const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
        for (const part of parseMultipart(bytes, { boundary: boundary[1] ?? boundary[2]!, maxFileSize: fileSize, maxParts, maxTotalSize: limit })) {
          const name = part.name;
          if (name === undefined) throw malformedMultipart("a part has no name");
          let value: string | File;
          if (part.isFile) {
            if (++files > maxFiles) throw tooManyParts("file", maxFiles);
            value = new File([part.bytes as Uint8Array<ArrayBuffer>], part.filename!, { type: part.mediaType ?? "application/octet-stream" });
          } else value = part.text;
          const prev = fields[name];
          if (prev === undefined) fields[name] = value;
          else if (Array.isArray(prev)) prev.push(value);
          else fields[name] = [prev, value];
        }
      } catch (error) {
        if (error instanceof MaxFileSizeExceededError) throw fileTooLarge(fileSize);
        if (error instanceof MaxPartsExceededError) throw tooManyParts("part", maxParts);
        if (error instanceof MaxTotalSizeExceededError) throw tooLarge(limit);
        if (error instanceof MultipartParseError) throw malformedMultipart("its parts cannot be read");
        throw error;
      }
      return fields;
    },
  };
}
