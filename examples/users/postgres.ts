// The users store on PostgreSQL (Heroku Postgres, Cloud SQL, any Kubernetes Postgres) through
// the `postgres` driver: one pool per process, opened on the first query, closed by the drain.
import type { Sql } from "postgres";
import type { Backend } from "jobwrap/node";
import { createdUnlessTaken, failureOf, useStoreFromEnv } from "./backend.js";
import type { User, UserStore } from "./store.js";

export interface PostgresOptions {
  /** Connections in the pool. Default `DATABASE_POOL_MAX`, else 1 on Lambda (one request at a time), else 10. */
  max?: number;
  /**
   * TLS, as libpq's `sslmode`: `require` encrypts without checking the certificate (Heroku
   * Postgres), `verify-full` checks it. Default: the URL's `sslmode`, else `PGSSLMODE`, else none
   * (a Cloud SQL socket or a cluster-local server).
   */
  ssl?: string;
  /** Server-side bound on one statement, in ms, behind the job's deadline. Default 30 s. */
  statementTimeout?: number;
  /**
   * How long a statement waits for a free connection when all `max` are busy, in ms, before it
   * answers 503 (the pool is exhausted) rather than queueing until the deadline. Default 1 s.
   */
  queueTimeout?: number;
}

// SQLSTATE classes and codes that mean the server cannot serve now, not that the query is wrong:
// connection exceptions (08), too many connections and other resources (53), shutting down or
// starting (57P01–57P03), a statement timeout (57014) the deadline did not ask for.
const unavailableStates = /^(08|53|57P0[1-3]$|57014$)/;
// The driver's own codes for a connection that could not be made or was lost, and the sockets'.
const unavailableCodes = new Set([
  "POOL_EXHAUSTED",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** True for a failure of the server or the network, false for a fault of the query itself. */
export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (unavailableCodes.has(code) || unavailableStates.test(code));
}

export type PostgresStore = UserStore & Required<Backend>;

export function postgresStore(url: string, options: PostgresOptions = {}): PostgresStore {
  const envMax = Number(process.env.DATABASE_POOL_MAX);
  const max = options.max ?? (envMax > 0 ? envMax : process.env.AWS_LAMBDA_FUNCTION_NAME ? 1 : 10);
  const parsed = new URL(url);
  const ssl = options.ssl ?? (parsed.searchParams.has("sslmode") ? undefined : process.env.PGSSLMODE);
  // libpq's `?host=/folder`: a Unix socket, as Cloud SQL gives App Engine and Cloud Run
  // (`/cloudsql/PROJECT:REGION:INSTANCE`). The driver takes the socket's path as an option.
  const socketDir = parsed.searchParams.get("host");
  const socket = socketDir?.startsWith("/") ? `${socketDir}/.s.PGSQL.${parsed.port || 5432}` : undefined;
  if (socket) parsed.searchParams.delete("host");
  let pool: Promise<Sql> | undefined;
  let migrated: Promise<void> | undefined;
  const slots = connectionSlots(max, options.queueTimeout ?? 1_000);

  // Loaded and connected on the first query, not at import: a cold start pays for neither.
  const sql = () =>
    (pool ??= import("postgres").then(({ default: postgres }) =>
      postgres(parsed.href, {
        max,
        ...(socket ? { path: socket } : {}),
        ...(ssl ? { ssl: ssl as "require" } : {}),
        connect_timeout: 5,
        // The driver's own backoff grows to 20 s between attempts to reconnect, and queries wait
        // for it: a database that is down would answer 504s at the deadline rather than 503s at once.
        // A short bound keeps failures fast and the recovery prompt (at most 10 attempts a second per connection).
        backoff: (retries: number) => Math.min(0.01 * 2 ** retries, 0.1),
        idle_timeout: 60,
        connection: { statement_timeout: options.statementTimeout ?? 30_000, application_name: "jobwrap-users" },
        onnotice: () => {},
        // No array types to learn: the query that would, on each new connection, is not worth its round trip.
        fetch_types: false,
      }),
    ));

  // Idempotent, and serialised by an advisory lock so that instances starting together do not
  // race on the catalogue; retried on the next query if it failed.
  const migrate = () =>
    (migrated ??= sql()
      .then((db) =>
        db.begin(async (tx) => {
          await tx`select pg_advisory_xact_lock(7262011)`;
          await tx`create table if not exists users (name text primary key, created_at timestamptz not null default now())`;
        }),
      )
      .then(
        () => {},
        (error: unknown) => {
          migrated = undefined;
          throw error;
        },
      ));

  /** Runs one statement, cancelled on the server when `signal` aborts; a server or network failure is a 503. */
  async function run<T>(signal: AbortSignal | undefined, query: (db: Sql) => Promise<T> & { cancel(): void }): Promise<T> {
    try {
      signal?.throwIfAborted();
      await migrate();
      const release = await slots.take(signal);
      const pending = query(await sql());
      const cancel = () => pending.cancel();
      signal?.addEventListener("abort", cancel, { once: true });
      try {
        return await pending;
      } finally {
        signal?.removeEventListener("abort", cancel);
        release();
      }
    } catch (error) {
      throw failureOf(error, signal, isUnavailable);
    }
  }

  return {
    create: (user, ctx) =>
      createdUnlessTaken(
        () => run(ctx?.signal, (db) => db`insert into users (name) values (${user.name})`),
        // unique_violation: the primary key already holds the name.
        (error) => (error as { code?: unknown }).code === "23505",
      ),
    async get(name, ctx) {
      const rows = await run(ctx?.signal, (db) => db<User[]>`select name from users where name = ${name}`);
      return rows[0] && { name: rows[0].name };
    },
    async ready() {
      await run(undefined, (db) => db`select 1`);
      return true;
    },
    async close() {
      const open = pool;
      pool = migrated = undefined;
      if (open) await (await open).end({ timeout: 5 });
    },
  };
}

/** The pool is exhausted: every connection stayed busy for as long as a statement may wait. */
export class PoolExhausted extends Error {
  readonly code = "POOL_EXHAUSTED";
  constructor(waited: number) {
    super(`no free connection within ${waited} ms`);
    this.name = "PoolExhausted";
  }
}

/**
 * At most `max` statements at once, one per connection; a statement that finds none free within
 * `wait` ms fails with `PoolExhausted` (a 503), and one whose job's signal aborts leaves the queue.
 */
function connectionSlots(max: number, wait: number) {
  let busy = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else busy--;
  };
  return {
    take(signal: AbortSignal | undefined): Promise<() => void> {
      if (busy < max) {
        busy++;
        return Promise.resolve(release);
      }
      return new Promise((resolve, reject) => {
        const leave = (error: unknown) => {
          queue.splice(queue.indexOf(grant), 1);
          clearTimeout(timer);
          signal?.removeEventListener("abort", aborted);
          reject(error);
        };
        const grant = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", aborted);
          resolve(release);
        };
        const aborted = () => leave(signal!.reason);
        const timer = setTimeout(() => leave(new PoolExhausted(wait)), wait);
        signal?.addEventListener("abort", aborted, { once: true });
        queue.push(grant);
      });
    },
  };
}

/**
 * What a Node server entry calls at start-up: with `DATABASE_URL` set, the PostgreSQL store, chosen
 * for every job of the process, its migration started, and handed to `serve(api, { backend })` for
 * `/readyz` and the drain; without it, undefined, and the jobs keep the in-memory store.
 */
export function postgresFromEnv(): PostgresStore | undefined {
  const store = useStoreFromEnv("DATABASE_URL", (url) => postgresStore(url));
  // The migration runs at start-up, beside the listener rather than before it: a database that is
  // down now leaves the process up and unready (`/readyz`), and the next query tries again.
  store?.ready().catch(() => {});
  return store;
}
