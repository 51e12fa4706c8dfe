/** Application Load Balancer targets, in single-value or multi-value header mode. */
import type { Incoming } from "../../core/types.js";
import { bareRecord } from "./bare-record.js";
import type { AlbResult, DroppedCookies, Processor } from "./events.js";
import { flag, text, type Fields } from "./fields.js";
import { addMultiHeaders, bodyReaderOf, encodedPath, headerMap, headersOf, queryOf, stripPrefix } from "./request.js";
import { peerAlb } from "./identity.js";
import { encodeBody, statusDescription, type Buffered } from "./response.js";
import type { PathSettings } from "./options.js";

/**
 * The target group's mode shows in the event: ALB reads the response's matching field only.
 * Decided by presence alone, so a malformed map is still answered in the mode it came in.
 */
function isMultiValue(event: Fields): boolean {
  return event.multiValueHeaders !== undefined && event.multiValueHeaders !== null;
}

/** The headers of an ALB event in multi-value mode, each list joined. */
function multiValueHeaders(event: Fields): Record<string, string | undefined> {
  const headers = headerMap();
  addMultiHeaders(headers, event.multiValueHeaders, "/multiValueHeaders");
  return headers;
}

/** Reads an ALB event as it stands, typed field by field (`fields.ts`): a wrong type is a 400. */
function incomingOfAlbEvent(event: Fields, settings: PathSettings): Incoming {
  const multi = isMultiValue(event);
  const headers = multi ? multiValueHeaders(event) : headersOf(event.headers, "/headers");
  return {
    method: (text(event.httpMethod, "/httpMethod") || "GET").toUpperCase(),
    path: stripPrefix(encodedPath(text(event.path, "/path")), settings.basePath),
    // ALB passes the query as the client sent it, still encoded: joined untouched, decoded once by core.
    query: multi
      ? queryOf(event.multiValueQueryStringParameters, event.queryStringParameters, false)
      : queryOf(undefined, event.queryStringParameters, false),
    headers,
    body: bodyReaderOf(text(event.body, "/body"), flag(event.isBase64Encoded, "/isBase64Encoded")),
  };
}

/**
 * Multi-value mode: every header as a list. Single-value mode holds one value a name: repeats
 * are joined with commas, except `set-cookie`, which cannot be joined; the last one is sent
 * (as ALB itself keeps the last of a repeated request header) and `lost` is told of the rest.
 */
function resultAlb(out: Buffered, multiValue: boolean, lost: DroppedCookies): AlbResult {
  const { body, isBase64Encoded } = encodeBody(out.body);
  const result: AlbResult = { statusCode: out.status, statusDescription: statusDescription(out.status), body, isBase64Encoded };
  if (multiValue) {
    const multi = bareRecord<string[]>();
    for (const [name, value] of out.headers) (multi[name] ??= []).push(value);
    result.multiValueHeaders = multi;
    return result;
  }
  const headers = bareRecord<string>();
  let dropped = 0;
  for (const [name, value] of out.headers) {
    const prev = headers[name];
    if (prev === undefined) headers[name] = value;
    else if (name === "set-cookie") {
      headers[name] = value;
      dropped++;
    } else headers[name] = prev + ", " + value;
  }
  if (dropped > 0) lost(dropped);
  result.headers = headers;
  return result;
}

const multiValueResult = (out: Buffered, lost: DroppedCookies): AlbResult => resultAlb(out, true, lost);
const singleValueResult = (out: Buffered, lost: DroppedCookies): AlbResult => resultAlb(out, false, lost);

export const albProcessor: Processor = {
  incoming: incomingOfAlbEvent,
  result: (event) => (isMultiValue(event) ? multiValueResult : singleValueResult),
  peer: peerAlb,
  identity: () => undefined,
};
