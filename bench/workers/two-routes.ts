// jobwrap's Worker serving what the peers' Workers serve: the users example's two routes
// (POST /user, GET /user/:name), its own jobs and stores, without the avatar routes (multipart,
// bearer) and CORS the example adds. The example itself is measured as it is beside it.
import { routes } from "jobwrap";
import { wrap } from "jobwrap/workers";
import { userCreate, userGet } from "../../examples/users/user-jobs.js";

export default wrap(routes({ "POST /user": userCreate, "GET /user/:name": userGet }));
