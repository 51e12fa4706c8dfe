// The users store on DynamoDB, for the Lambda example: one client per execution environment,
// made on the first call and reused by every invocation after it.
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createdUnlessTaken, failureOf, useStoreFromEnv } from "./backend.js";
import type { User, UserStore } from "./store.js";

// What the table cannot do now, as opposed to a request that is wrong: throttling, capacity,
// the service's own failures, and the network's (the SDK has retried them already).
const unavailableErrors = new Set([
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "ThrottlingException",
  "LimitExceededException",
  "InternalServerError",
  "ServiceUnavailable",
  "TimeoutError",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

function isUnavailable(error: unknown): boolean {
  const { name, code, $metadata } = (error ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  return unavailableErrors.has(name ?? "") || unavailableErrors.has(code ?? "") || ($metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * Users as items of `table`, keyed by `name` (a string partition key). The SDK's endpoint,
 * region and credentials come from the environment as on Lambda (`AWS_ENDPOINT_URL_DYNAMODB`
 * points it at a local server).
 */
export function dynamoStore(table: string): UserStore {
  let client: Promise<{ db: DynamoDBDocumentClient; sdk: typeof import("@aws-sdk/lib-dynamodb") }> | undefined;
  // Loaded on the first call: the runtime carries the SDK, and the cold start does not pay for it.
  const connect = () =>
    (client ??= Promise.all([import("@aws-sdk/client-dynamodb"), import("@aws-sdk/lib-dynamodb")]).then(([{ DynamoDBClient }, sdk]) => ({
      db: sdk.DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 2 })),
      sdk,
    })));

  async function call<T>(signal: AbortSignal | undefined, send: (db: DynamoDBDocumentClient, sdk: typeof import("@aws-sdk/lib-dynamodb")) => Promise<T>): Promise<T> {
    try {
      const { db, sdk } = await connect();
      return await send(db, sdk);
    } catch (error) {
      throw failureOf(error, signal, isUnavailable);
    }
  }

  return {
    create: (user, ctx) =>
      createdUnlessTaken(
        () =>
          call(ctx?.signal, (db, { PutCommand }) =>
            db.send(
              new PutCommand({ TableName: table, Item: { name: user.name }, ConditionExpression: "attribute_not_exists(#name)", ExpressionAttributeNames: { "#name": "name" } }),
              { abortSignal: ctx?.signal },
            ),
          ),
        (error) => (error as { name?: string }).name === "ConditionalCheckFailedException",
      ),
    async get(name, ctx) {
      const { Item } = await call(ctx?.signal, (db, { GetCommand }) => db.send(new GetCommand({ TableName: table, Key: { name } }), { abortSignal: ctx?.signal }));
      return Item ? { name: (Item as User).name } : undefined;
    },
  };
}

/** With `USERS_TABLE` set, the DynamoDB store, chosen for every job of this execution environment; else the in-memory one stays. */
export function dynamoFromEnv(): UserStore | undefined {
  return useStoreFromEnv("USERS_TABLE", dynamoStore);
}
