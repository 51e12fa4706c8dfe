// jobwrap/lambda with the users example. The access log is off: no peer writes one.
import { wrap } from "jobwrap/lambda";
import { api } from "../../../examples/users/index.js";

export const handler = wrap(api, { log: false });
