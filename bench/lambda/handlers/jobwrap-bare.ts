// jobwrap/lambda with the users routes and none of CORS, uploads or shared extractors: the
// baseline for what configuring them costs an event that does not use them.
import { wrap } from "jobwrap/lambda";
import { bareApi } from "../../apps/users-bare.js";

export const handler = wrap(bareApi, { log: false });
