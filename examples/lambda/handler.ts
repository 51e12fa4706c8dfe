// The users service on AWS Lambda: one handler for API Gateway (REST and HTTP APIs), ALB and
// Function URLs. `npx jobwrap build lambda examples/lambda/handler.ts` writes the zip.
import { wrap } from "jobwrap/lambda";
import { api } from "../users/index.js";

export const handler = wrap(api);
