// The Hono peer on @hono/node-server, its users in PostgreSQL through the example's own store:
// the same driver, pool and queries as jobwrap's.
import { serve } from "@hono/node-server";
import { postgresStore } from "../../../examples/users/postgres.js";
import { app } from "../../peers/hono-app.js";
import { usePeerStore } from "../../peers/store.js";
import { announce, host, port } from "../listen.js";

usePeerStore(postgresStore(process.env.DATABASE_URL!));
serve({ fetch: app.fetch, port, hostname: host }, announce);
