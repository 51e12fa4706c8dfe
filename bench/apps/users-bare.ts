// The users example's own route table with no CORS (and, on the Node server, no compression): the
// baseline that jobwrap's own contestant, which has both configured, is measured against, so the
// ratio is what configuring them costs a request that uses neither. Same routes, same jobs.
import { routes } from "jobwrap";
import { api } from "../../examples/users/index.js";

export const bareApi = routes(api.table);
