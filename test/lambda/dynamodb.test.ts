// The Lambda example as `jobwrap build lambda` bundles it, its users in DynamoDB: dynalite (a
// DynamoDB-protocol server) on loopback, reached through the real AWS SDK, the users contract
// through HTTP API events, then the server gone: 503.
import type { Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLambda } from "../../src/deploy/lambda/build.js";
import { webOrigin } from "../contract/app.js";
import { expectResponse } from "../contract/run.js";
import { contract, type ContractRequest } from "../contract/table.js";
import { eventFor, responseOf } from "./events.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const table = "users-test";

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

describe("examples/lambda on DynamoDB (dynalite, the real AWS SDK)", () => {
  let server: Server;
  let endpoint: string;
  let handler: Handler;
  let connections = 0;
  let n = 0;

  const invoke = async (request: ContractRequest) => {
    const result = await handler(eventFor("v2", request), { awsRequestId: `dynamo-${++n}`, getRemainingTimeInMillis: () => 3_000 });
    return responseOf(JSON.parse(JSON.stringify(result)));
  };

  beforeAll(async () => {
    server = dynalite({ createTableMs: 0 });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    // As Lambda sets them, and the local endpoint the SDK reads from the environment.
    Object.assign(process.env, {
      USERS_TABLE: table,
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDLOCAL",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      // The contract's CORS rows call from its web origin, which the example allows by USERS_WEB_ORIGIN.
      USERS_WEB_ORIGIN: webOrigin,
    });
    const admin = new DynamoDBClient({ endpoint });
    await admin.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: "name", KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: "name", AttributeType: "S" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    admin.destroy();
    const built = await buildLambda({ entry: join(root, "examples/lambda/handler.ts"), outDir: join(root, ".jobwrap/test-dynamodb") });
    connections = 0;
    handler = ((await import(pathToFileURL(built.bundle).href)) as { handler: Handler }).handler;
  }, 60_000);
  afterAll(() => {
    for (const name of ["USERS_TABLE", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "USERS_WEB_ORIGIN"]) delete process.env[name];
    server?.close();
  });

  it("opens no connection at import: the cold start does not pay for the table", () => {
    expect(connections).toBe(0);
  });

  contract
    .filter((row) => row.request.path.startsWith("/user") && (!row.platforms || row.platforms.includes("lambda")))
    .forEach((row) => {
      it(row.name, async () => {
        expectResponse(await invoke(row.request), row.expect);
      });
    });

  it("keeps the users in the table and reuses one connection across invocations", async () => {
    expect(connections).toBeGreaterThan(0);
    const before = connections;
    for (const name of ["Bob", "Carol", "Dave"]) {
      expect((await invoke({ method: "POST", path: "/user", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) })).status).toBe(201);
    }
    expect(connections).toBe(before);
    const check = new DynamoDBClient({ endpoint });
    const { Item } = await check.send(new (await import("@aws-sdk/client-dynamodb")).GetItemCommand({ TableName: table, Key: { name: { S: "Carol" } } }));
    check.destroy();
    expect(Item).toEqual({ name: { S: "Carol" } });
  });

  it("answers 503 with Retry-After, nothing of the SDK's error in the body, when DynamoDB cannot be reached", async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets would hold the closing server open.
      server.closeAllConnections();
    });
    const response = await invoke({ method: "GET", path: "/user/Carol" });
    expect(response.status).toBe(503);
    expect(response.headers["retry-after"]).toEqual(["1"]);
    const body = new TextDecoder().decode(response.body);
    expect(JSON.parse(body)).toMatchObject({ status: 503, title: "Service Unavailable" });
    expect(body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|DynamoDB|aws/i);
  }, 20_000);
});
