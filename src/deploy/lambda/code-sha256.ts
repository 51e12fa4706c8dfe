import { createHash } from "node:crypto";

/** Lambda's `CodeSha256`: the base64 SHA-256 of the zip as uploaded, so equal means same code. */
export function codeSha256(zip: Uint8Array): string {
  return createHash("sha256").update(zip).digest("base64");
}
