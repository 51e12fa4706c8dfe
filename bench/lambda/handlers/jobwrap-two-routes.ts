// jobwrap/lambda serving what the hand-written handler and Hono's serve: the users example's two
// routes (POST /user, GET /user/:name), its own jobs and stores, without the avatar routes
// (multipart, bearer) and CORS the example adds: the like-for-like row. The example itself is
// `jobwrap`, measured beside it.
import { routes } from "jobwrap";
import { wrap } from "jobwrap/lambda";
import { userCreate, userGet } from "../../../examples/users/user-jobs.js";

export const handler = wrap(routes({ "POST /user": userCreate, "GET /user/:name": userGet }), { log: false });
