import { createHash, createHmac } from "node:crypto";
import type { Recorded } from "./control-plane.js";

/**
 * Checks a recorded request's AWS Signature Version 4 the way AWS does: rebuilds the canonical
 * request from what arrived on the wire and recomputes the signature with the secret key.
 * Written from the published algorithm (docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
 * so that it shares no code with the SDK that signed. Returns the reason it fails, or undefined.
 */
export function sigv4Problem(call: Recorded, secretAccessKey: string, expect: { region: string; service: string }): string | undefined {
  const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    call.authorization ?? "",
  );
  if (!auth) return `no SigV4 Authorization header: ${call.authorization}`;
  const [, , day, region, service, signedHeaders, signature] = auth;
  if (region !== expect.region || service !== expect.service) return `scope ${region}/${service}, expected ${expect.region}/${expect.service}`;
  const amzDate = call.amzDate;
  if (!amzDate?.startsWith(day!)) return `x-amz-date ${amzDate} is not in the credential's day ${day}`;
  const names = signedHeaders!.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date")) return `SignedHeaders ${signedHeaders} lack host or x-amz-date`;

  const url = new URL(call.path, "http://wire");
  const query = [...url.searchParams]
    .map(([key, value]) => [encode(key), encode(value)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const headers = names.map((name) => `${name}:${String(call.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  // Lambda is not S3: the canonical path is the sent (already encoded) path, encoded once more.
  const path = url.pathname.split("/").map(encode).join("/");
  const canonical = [call.method, path, query, headers, signedHeaders, hex(call.rawBody)].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, hex(Buffer.from(canonical))].join("\n");
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, day!);
  for (const part of [region!, service!, "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(toSign).digest("hex");
  return expected === signature ? undefined : `signature ${signature} does not match the recomputed ${expected}`;
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function hex(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
