// The users service on the Node server: `npm start` at the repository root. In memory unless
// DATABASE_URL names a PostgreSQL database.
import { serve } from "jobwrap/node";
import { api, User, UserName } from "../users/index.js";
import { postgresFromEnv } from "../users/postgres.js";

// The avatar routes' bearer token, for trying them out; set USERS_TOKEN to choose your own.
process.env.USERS_TOKEN ??= "dev-token";

// docs: /openapi.json and a Swagger UI page at /docs, with User and UserName as named schemas.
serve(api, { backend: postgresFromEnv(), docs: { info: { title: "users", version: "1.0.0" }, schemas: { User, UserName } } });
