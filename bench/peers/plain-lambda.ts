// The hand-written Lambda handler for API Gateway v1 and v2 events.
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult } from "aws-lambda";
import { answer } from "./plain-service.js";

export async function handler(event: APIGatewayProxyEvent | APIGatewayProxyEventV2): Promise<APIGatewayProxyResult> {
  const v2 = "requestContext" in event && "http" in event.requestContext;
  const method = v2 ? (event as APIGatewayProxyEventV2).requestContext.http.method : (event as APIGatewayProxyEvent).httpMethod;
  const path = v2 ? (event as APIGatewayProxyEventV2).rawPath : (event as APIGatewayProxyEvent).path;
  const body = () => {
    const raw = event.body ?? "";
    return event.isBase64Encoded ? Buffer.from(raw, "base64").toString("utf8") : raw;
  };
  const out = await answer(method, path, body, undefined);
  return {
    statusCode: out.status,
    headers: { "content-type": out.status < 400 ? "application/json" : "application/problem+json" },
    body: out.body,
  };
}
