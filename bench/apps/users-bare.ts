// The users service as it was before CORS, compression, uploads and shared extractors: the
// baseline that jobwrap's own contestant, which has them configured, is measured against.
import { routes } from "jobwrap";
import { userCreate, userGet } from "../../examples/users/index.js";

export const bareApi = routes({ "POST /user": userCreate, "GET /user/:name": userGet });
