// Node HTTP with a real query behind each request: jobwrap, Hono and Fastify on one PostgreSQL
// server (started here, as the tests start theirs), the same driver, pool size and statements,
// so what the framework costs beside a round trip to the database is measured, not guessed.
import { startPostgres, postgresBin } from "../../test/support/postgres.js";
import { bundleProgram } from "../build.js";
import type { NodeSettings, RouteStats } from "./part.js";
import { measureServers } from "./part.js";

export const postgresContestants = ["jobwrap", "hono", "fastify"] as const;
export type PostgresResults = Record<(typeof postgresContestants)[number], { post: RouteStats; get: RouteStats }>;

/** Undefined when PostgreSQL is not installed here (scripts/test-setup.sh installs it). */
export async function runNodePostgres(settings: NodeSettings, say: (line: string) => void): Promise<PostgresResults | undefined> {
  if (!postgresBin()) {
    say("PostgreSQL is not installed: the Node + PostgreSQL part is NOT measured (apt-get install -y postgresql)");
    return undefined;
  }
  const programs = await Promise.all(
    postgresContestants.map(async (name) => ({ name, program: await bundleProgram(`bench/node/servers/postgres-${name}.ts`, `node-postgres-${name}`) })),
  );
  const pg = await startPostgres();
  try {
    // Each server starts on an empty database and makes its table itself, as a first deploy does.
    const clean = async () => {
      await pg.sql`drop table if exists users`;
    };
    return (await measureServers(programs, settings, say, "node+postgres", { DATABASE_URL: pg.url, DATABASE_POOL_MAX: "10" }, clean)) as PostgresResults;
  } finally {
    await pg.dispose();
  }
}
