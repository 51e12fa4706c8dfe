// The Fastify peer, its users in PostgreSQL through the example's own store: the same driver,
// pool and queries as jobwrap's.
import { postgresStore } from "../../../examples/users/postgres.js";
import { fastifyApp } from "../../peers/fastify-app.js";
import { usePeerStore } from "../../peers/store.js";
import { announce, host, port } from "../listen.js";

usePeerStore(postgresStore(process.env.DATABASE_URL!));
void fastifyApp().listen({ port, host }).then(announce);
