// The users service on the Node server; PORT comes from the platform, SIGTERM starts the drain.
// With DATABASE_URL set the users live in PostgreSQL (the pool closed by the drain), else in memory.
import { serve } from "jobwrap/node";
import { api } from "../users/index.js";
import { postgresFromEnv } from "../users/postgres.js";

serve(api, { backend: postgresFromEnv() });
