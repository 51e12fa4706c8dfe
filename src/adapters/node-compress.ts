/**
 * Compression on the Node server: gzip or brotli, as the client's `Accept-Encoding` prefers, for
 * an answer of a compressible media type over a threshold. On by default in `serve()`, which is
 * the edge of the service where it runs (Heroku's router and a Kubernetes LoadBalancer Service
 * pass bytes through as they are); off in `wrap()`, whose server may compress already.
 */
import { Readable } from "node:stream";
import { brotliCompress, constants, createBrotliCompress, createGzip, gzip, type BrotliOptions, type ZlibOptions } from "node:zlib";
import { promisify } from "node:util";
import { mediaTypeOf } from "../core/media-types.js";
import { addVary } from "../core/result.js";
import type { Outgoing } from "../core/types.js";

export interface CompressOptions {
  /** Smallest body in bytes worth compressing; smaller ones go as they are. Default 1024. */
  threshold?: number;
}

export interface Compression {
  threshold: number;
}

const defaultThreshold = 1024;

/** The settings for `compress`, or undefined when it is off. */
export function compressionOf(compress: boolean | CompressOptions | undefined, byDefault: boolean): Compression | undefined {
  if (compress === false || (compress === undefined && !byDefault)) return undefined;
  return { threshold: (typeof compress === "object" ? compress.threshold : undefined) ?? defaultThreshold };
}

/** Media types whose bytes compress: text, JSON, XML, JavaScript, SVG; not images, archives or bytes already compressed. */
function compressible(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = mediaTypeOf(contentType);
  // A server-sent event stream must reach the client event by event, not when a compressor flushes.
  if (type === "text/event-stream") return false;
  return (
    type.startsWith("text/") ||
    type.endsWith("+json") ||
    type.endsWith("+xml") ||
    type === "application/json" ||
    type === "application/xml" ||
    type === "application/javascript" ||
    type === "application/x-www-form-urlencoded"
  );
}

/** The client's choice between `br` and `gzip` by their q-values (`br` when equal, `*` for those unnamed); undefined for neither. */
export function chooseEncoding(accept: string | undefined): "br" | "gzip" | undefined {
  if (!accept) return undefined;
  const weights = new Map<string, number>();
  for (const item of accept.split(",")) {
    const [token, ...params] = item.split(";");
    const q = params.map((param) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(param)).find(Boolean);
    weights.set(token!.trim().toLowerCase(), q ? Number(q[1]) : 1);
  }
  const weight = (name: string) => weights.get(name) ?? weights.get("*") ?? 0;
  const br = weight("br");
  const gz = weights.get("gzip") ?? weights.get("x-gzip") ?? weight("gzip");
  if (br <= 0 && gz <= 0) return undefined;
  return br >= gz ? "br" : "gzip";
}

// Quality 4: most of brotli's gain at a gzip-like cost; its default (11) is for files built once.
const brotliOptions: BrotliOptions = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };
const gzipOptions: ZlibOptions = {};
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

function header(out: Outgoing, name: string): string | undefined {
  for (const [key, value] of out.headers) if (key === name) return value;
  return undefined;
}

/**
 * The answer to a HEAD with the headers its GET would have: core left out the body, keeping its
 * length (none for a stream, nor for no body: one with a compressible type and status 200 is
 * taken for a stream). The compressed length is known only once the body is compressed, so a
 * HEAD to be compressed leaves `content-length` out, as HTTP allows (RFC 9110 §9.3.2).
 */
function compressHead(out: Outgoing, acceptEncoding: string | undefined, settings: Compression): Outgoing {
  const at = out.headers.findIndex(([name]) => name === "content-length");
  const size = at < 0 ? undefined : Number(out.headers[at]![1]);
  if (!compresses(out, size, settings)) return out;
  addVary(out.headers, "Accept-Encoding");
  const encoding = chooseEncoding(acceptEncoding);
  if (!encoding) return out;
  if (at >= 0) out.headers.splice(at, 1);
  out.headers.push(["content-encoding", encoding]);
  return out;
}

/** Whether an answer of `size` bytes (undefined: a stream) is one to compress, whatever the client accepts. */
function compresses(out: Outgoing, size: number | undefined, settings: Compression): boolean {
  if (out.status === 204 || out.status === 206 || out.status === 304) return false;
  if (size !== undefined && size < settings.threshold) return false;
  if (!compressible(header(out, "content-type")) || header(out, "content-encoding") !== undefined) return false;
  return !/\bno-transform\b/i.test(header(out, "cache-control") ?? "");
}

/**
 * The answer compressed for this client where it should be, else as it was. A job marks an
 * answer to be left alone with `cache-control: no-transform` or its own `content-encoding`;
 * a stream is compressed as it comes, each chunk flushed, so it streams still. `head`: the
 * answer is to a HEAD, whose headers are the GET's (`Vary`, `Content-Encoding`) with no body.
 */
export function compressAnswer(out: Outgoing, acceptEncoding: string | undefined, settings: Compression, head = false): Outgoing | Promise<Outgoing> {
  if (head) return compressHead(out, acceptEncoding, settings);
  const { body } = out;
  if (body === null) return out;
  // Counted, not encoded: Buffer.byteLength allocates nothing.
  const size = typeof body === "string" ? Buffer.byteLength(body) : body instanceof Uint8Array ? body.length : undefined;
  if (!compresses(out, size, settings)) return out;
  addVary(out.headers, "Accept-Encoding");
  const encoding = chooseEncoding(acceptEncoding);
  if (!encoding) return out;
  out.headers.push(["content-encoding", encoding]);
  if (size === undefined) {
    const compressor = encoding === "br" ? createBrotliCompress({ ...brotliOptions, flush: constants.BROTLI_OPERATION_FLUSH }) : createGzip({ flush: constants.Z_SYNC_FLUSH });
    const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
    source.on("error", (error) => compressor.destroy(error));
    out.body = Readable.toWeb(source.pipe(compressor)) as ReadableStream<Uint8Array>;
    return out;
  }
  const input = typeof body === "string" ? Buffer.from(body) : (body as Uint8Array);
  return (encoding === "br" ? brotliAsync(input, brotliOptions) : gzipAsync(input, gzipOptions)).then((bytes) => {
    out.body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    return out;
  });
}
