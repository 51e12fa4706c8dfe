// jobwrap/lambda with the users example's routes and no CORS: the baseline for what configuring
// CORS costs an event that does not use it (no `Origin`).
import { wrap } from "jobwrap/lambda";
import { bareApi } from "../../apps/users-bare.js";

export const handler = wrap(bareApi, { log: false });
