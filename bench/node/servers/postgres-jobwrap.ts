// jobwrap/node serving the users example on PostgreSQL (DATABASE_URL), as examples/node does.
import { serve } from "jobwrap/node";
import { api } from "../../../examples/users/index.js";
import { postgresFromEnv } from "../../../examples/users/postgres.js";
import { announce, host, port } from "../listen.js";

void serve(api, { port, host, log: false, backend: postgresFromEnv() }).ready.then(announce);
