/** API Gateway HTTP APIs (payload format 2.0) and Lambda Function URLs, which share it. */
import type { Incoming } from "../../core/types.js";
import { bareRecord } from "./bare-record.js";
import type { ApiGatewayV2Result, Processor } from "./events.js";
import { fields, flag, text, type Fields } from "./fields.js";
import { addCookies, bodyReaderOf, encodedPath, headersOf, stripPrefix } from "./request.js";
import { peerV2, identityV2 } from "./identity.js";
import { encodeBody, type Buffered } from "./response.js";
import type { PathSettings } from "./options.js";

/** Reads a payload 2.0 event as it stands, typed field by field (`fields.ts`): a wrong type is a 400. */
function incomingOfV2Event(event: Fields, settings: PathSettings): Incoming {
  const headers = headersOf(event.headers, "/headers");
  addCookies(headers, event.cookies, "/cookies");
  const context = fields(event.requestContext, "/requestContext");
  const http = fields(context?.http, "/requestContext/http");
  let path = encodedPath(text(event.rawPath, "/rawPath"));
  // A named stage is the first segment of `rawPath` on the execute-api host; `$default` is none.
  const stage = text(context?.stage, "/requestContext/stage");
  if (settings.stripStage && stage && stage !== "$default") path = stripPrefix(path, "/" + stage);
  return {
    method: (text(http?.method, "/requestContext/http/method") ?? "GET").toUpperCase(),
    path: stripPrefix(path, settings.basePath),
    // Kept as the client sent it: core decodes it once.
    query: text(event.rawQueryString, "/rawQueryString") ?? "",
    headers,
    body: bodyReaderOf(text(event.body, "/body"), flag(event.isBase64Encoded, "/isBase64Encoded")),
  };
}

/** The status and headers as payload 2.0 takes them, in a result and in a streaming prelude alike. */
// A type rather than an interface: the runtime's `HttpResponseStream.from` takes a plain record.
export type V2Head = {
  statusCode: number;
  headers: Record<string, string>;
  /** Each `set-cookie` value: payload 2.0 has no other way to send several. */
  cookies?: string[];
};

/** Single-string headers (repeats joined), and each `set-cookie` in `cookies`. */
export function headV2(status: number, pairs: readonly [string, string][]): V2Head {
  const headers = bareRecord<string>();
  let cookies: string[] | undefined;
  for (const [name, value] of pairs) {
    if (name === "set-cookie") (cookies ??= []).push(value);
    else headers[name] = headers[name] === undefined ? value : headers[name] + ", " + value;
  }
  const head: V2Head = { statusCode: status, headers };
  if (cookies) head.cookies = cookies;
  return head;
}

function resultV2(out: Buffered): ApiGatewayV2Result {
  const result = headV2(out.status, out.headers) as ApiGatewayV2Result;
  const { body, isBase64Encoded } = encodeBody(out.body);
  result.body = body;
  result.isBase64Encoded = isBase64Encoded;
  return result;
}

export const v2Processor: Processor = { incoming: incomingOfV2Event, result: () => resultV2, peer: peerV2, identity: identityV2 };
