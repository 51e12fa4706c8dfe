/** API Gateway REST APIs, Lambda proxy integration (payload format 1.0). */
import type { Incoming } from "../../core/types.js";
import { bareRecord } from "./bare-record.js";
import type { ApiGatewayV1Event, ApiGatewayV1Result } from "./events.js";
import { addHeaders, addMultiHeaders, bodyOf, encodedPath, headerMap, queryOf, stripPrefix } from "./request.js";
import { encodeBody, type Buffered } from "./response.js";
import type { Settings } from "./settings.js";

export function incomingV1(event: ApiGatewayV1Event, settings: Settings): Incoming {
  // `multiValueHeaders` holds every value, `headers` only the last of each; an event written by
  // hand (a test, a console template) may fill only `headers`.
  const headers = headerMap();
  if (addMultiHeaders(headers, event.multiValueHeaders) === 0) addHeaders(headers, event.headers);
  // `path` leaves out the stage on the execute-api host; behind a custom domain it keeps the
  // mapping's base path, which `basePath` strips.
  return {
    method: (event.httpMethod || (event.requestContext?.httpMethod ?? "GET")).toUpperCase(),
    path: stripPrefix(encodedPath(event.path), settings.basePath),
    // API Gateway decodes the parameters: encoded again, for core to decode once.
    query: queryOf(event.multiValueQueryStringParameters, event.queryStringParameters, true),
    headers,
    body: bodyOf(event.body, event.isBase64Encoded),
  };
}

/** Headers that repeat go in `multiValueHeaders` (API Gateway merges it with `headers`). */
export function resultV1(out: Buffered): ApiGatewayV1Result {
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
