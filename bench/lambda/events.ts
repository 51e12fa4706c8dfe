import { readFileSync } from "node:fs";
import type { ALBEvent, APIGatewayProxyEvent, APIGatewayProxyEventV2 } from "aws-lambda";
import { root } from "../root.js";

// Events are built from real payloads (test/fixtures/lambda, see its SOURCES.md):
// only the method, path, content type and body change.

/** API Gateway REST (v1) and HTTP API (v2), an ALB target, a Function URL. */
export type EventKind = "v1" | "v2" | "alb" | "url";
export const eventKinds: readonly EventKind[] = ["v2", "v1", "alb", "url"];
export type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent;

const fixtures = `${root}test/fixtures/lambda/`;
const template = (file: string): unknown => JSON.parse(readFileSync(fixtures + file, "utf8"));

const v2 = template("apigw-v2-basic.json") as APIGatewayProxyEventV2;
const v1 = template("apigw-v1-prod-stage-nulls.json") as APIGatewayProxyEvent;
const alb = template("alb-single-value.json") as ALBEvent;
/** The published Function URL event names its host `<url-id>…`, which no URL parser takes: a real-looking id instead. */
const url = JSON.parse(JSON.stringify(template("function-url-basic.json")).replaceAll("<url-id>", "a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6")) as APIGatewayProxyEventV2;

/** An event of `kind` for one request; `body` is JSON text. */
export function eventOf(kind: EventKind, method: string, path: string, body?: string): LambdaEvent {
  const length = body === undefined ? "0" : String(Buffer.byteLength(body));
  if (kind === "alb") {
    const headers: Record<string, string> = { ...alb.headers, "content-length": length };
    if (body !== undefined) headers["content-type"] = "application/json";
    return { ...alb, httpMethod: method, path, queryStringParameters: {}, headers, body: body ?? "", isBase64Encoded: false };
  }
  if (kind === "v2" || kind === "url") {
    const template = kind === "v2" ? v2 : url;
    const headers: Record<string, string> = { ...template.headers, "content-length": length };
    if (body !== undefined) headers["content-type"] = "application/json";
    return {
      ...template,
      rawPath: path,
      headers,
      requestContext: { ...template.requestContext, http: { ...template.requestContext.http, method, path } },
      ...(body === undefined ? {} : { body }),
      isBase64Encoded: false,
    };
  }
  const headers: Record<string, string> = { ...(v1.headers as Record<string, string>), "Content-Length": length };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  return {
    ...v1,
    resource: "/{proxy+}",
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    pathParameters: { proxy: path.slice(1) },
    requestContext: {
      ...v1.requestContext,
      resourcePath: "/{proxy+}",
      httpMethod: method,
      path: `/${v1.requestContext.stage}${path}`,
    },
    body: body ?? null,
    isBase64Encoded: false,
  };
}

/** A Lambda context as the runtime passes it, with a deadline far away. */
export function contextOf(requestId: string) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "users",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:users",
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: "/aws/lambda/users",
    logStreamName: "2026/01/01/[$LATEST]0123456789abcdef",
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface LambdaResult {
  statusCode: number;
  body?: string;
  isBase64Encoded?: boolean;
}

export type Handler = (event: LambdaEvent, context: ReturnType<typeof contextOf>) => Promise<LambdaResult>;

export function bodyText(result: LambdaResult): string {
  const body = result.body ?? "";
  return result.isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
}
