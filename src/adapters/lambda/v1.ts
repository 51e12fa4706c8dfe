/** API Gateway REST APIs, Lambda proxy integration (payload format 1.0). */
import type { Incoming } from "../../core/types.js";
import { bareRecord } from "./bare-record.js";
import type { ApiGatewayV1Result, Processor } from "./events.js";
import { fields, flag, text, type Fields } from "./fields.js";
import { addHeaders, addMultiHeaders, bodyReaderOf, encodedPath, headerMap, queryOf, stripPrefix } from "./request.js";
import { peerV1, identityV1 } from "./identity.js";
import { encodeBody, type Buffered } from "./response.js";
import type { PathSettings } from "./options.js";

/** Reads a REST API event as it stands, typed field by field (`fields.ts`): a wrong type is a 400. */
function incomingOfV1Event(event: Fields, settings: PathSettings): Incoming {
  // `multiValueHeaders` holds every value, `headers` only the last of each; an event written by
  // hand (a test, a console template) may fill only `headers`.
  const headers = headerMap();
  if (addMultiHeaders(headers, event.multiValueHeaders, "/multiValueHeaders") === 0) addHeaders(headers, event.headers, "/headers");
  // requestContext's method only stands in where an event written by hand left the top-level one out.
  const context = () => fields(event.requestContext, "/requestContext");
  const method = text(event.httpMethod, "/httpMethod") || (text(context()?.httpMethod, "/requestContext/httpMethod") ?? "GET");
  // `path` leaves out the stage on the execute-api host; behind a custom domain it may keep the
  // mapping's base path, which `basePath` strips. A `rawPath` some such events also carry (the
  // path before the mapping) is not read: it is not payload 2.0's.
  return {
    method: method.toUpperCase(),
    path: stripPrefix(encodedPath(text(event.path, "/path")), settings.basePath),
    // API Gateway decodes the parameters: encoded again, for core to decode once.
    query: queryOf(event.multiValueQueryStringParameters, event.queryStringParameters, true),
    headers,
    body: bodyReaderOf(text(event.body, "/body"), flag(event.isBase64Encoded, "/isBase64Encoded")),
  };
}

/** Headers that repeat go in `multiValueHeaders` (API Gateway merges it with `headers`). */
function resultV1(out: Buffered): ApiGatewayV1Result {
  const headers = bareRecord<string>();
  let multi: Record<string, string[]> | undefined;
  for (const [name, value] of out.headers) {
    const list = multi?.[name];
    if (list) list.push(value);
    else if (headers[name] === undefined) headers[name] = value;
    else {
      multi ??= bareRecord<string[]>();
      multi[name] = [headers[name]!, value];
      delete headers[name];
    }
  }
  const { body, isBase64Encoded } = encodeBody(out.body);
  const result: ApiGatewayV1Result = { statusCode: out.status, headers, body, isBase64Encoded };
  if (multi) result.multiValueHeaders = multi;
  return result;
}

export const v1Processor: Processor = { incoming: incomingOfV1Event, result: () => resultV1, peer: peerV1, identity: identityV1 };
