// The users service on AWS Lambda: one handler for API Gateway (REST and HTTP APIs), ALB and
// Function URLs. `npx jobwrap build lambda examples/lambda/handler.ts` writes the zip.
// With USERS_TABLE set the users live in that DynamoDB table, else in memory.
import { wrap } from "jobwrap/lambda";
import { dynamoFromEnv } from "../users/dynamodb.js";
import { api } from "../users/index.js";

dynamoFromEnv();
export const handler = wrap(api);
