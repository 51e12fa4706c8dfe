import { readFileSync } from "node:fs";
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from "aws-lambda";
import { root } from "../root.js";

// Events are built from real payloads (test/fixtures/lambda, see its SOURCES.md):
// only the method, path, content type and body change.

export type EventKind = "v1" | "v2";
export type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

const fixtures = `${root}test/fixtures/lambda/`;
const template = (file: string): unknown => JSON.parse(readFileSync(fixtures + file, "utf8"));

const v2 = template("apigw-v2-basic.json") as APIGatewayProxyEventV2;
const v1 = template("apigw-v1-prod-stage-nulls.json") as APIGatewayProxyEvent;

/** An API Gateway event of `kind` for one request; `body` is JSON text. */
export function eventOf(kind: EventKind, method: string, path: string, body?: string): LambdaEvent {
  const length = body === undefined ? "0" : String(Buffer.byteLength(body));
  if (kind === "v2") {
    const headers: Record<string, string> = { ...v2.headers, "content-length": length };
    if (body !== undefined) headers["content-type"] = "application/json";
    return {
      ...v2,
      rawPath: path,
      headers,
      requestContext: { ...v2.requestContext, http: { ...v2.requestContext.http, method, path } },
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
