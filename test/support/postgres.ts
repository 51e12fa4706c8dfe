/**
 * A real PostgreSQL server for one test file: initdb into a temporary folder, started on a free
 * port on loopback, stopped and started again at will (the fault tests), removed at the end.
 * Its binaries are Debian's `postgresql` (scripts/system-packages.txt), found on the PATH or under
 * /usr/lib/postgresql/<version>/bin. PostgreSQL refuses to run as root: as root, it runs as the
 * `postgres` user the Debian package creates.
 */
import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import postgres, { type Sql } from "postgres";
import { freePort } from "./ports.js";

const run = promisify(execFile);

/** The folder of initdb, pg_ctl and postgres, or undefined when PostgreSQL is not installed. */
export function postgresBin(): string | undefined {
  try {
    const onPath = execFileSync("sh", ["-c", "command -v pg_ctl"], { encoding: "utf8" }).trim();
    if (onPath && existsSync(join(dirname(onPath), "initdb"))) return dirname(onPath);
  } catch {
    // not on the PATH: Debian keeps it under /usr/lib/postgresql
  }
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql") : [];
  const newest = versions.filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))[0];
  return newest ? `/usr/lib/postgresql/${newest}/bin` : undefined;
}

export interface Postgres {
  url: string;
  port: number;
  /** The folder of its Unix socket. */
  socketDir: string;
  /** A connection of the test's own, for what it checks in the database (a new one after each start). */
  readonly sql: Sql;
  /** `pg_ctl stop -m fast`: sessions are ended (their queries fail) and new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startPostgres(): Promise<Postgres> {
  const bin = postgresBin();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (scripts/test-setup.sh does it)");
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? { uid: Number(execFileSync("id", ["-u", "postgres"]).toString()), gid: Number(execFileSync("id", ["-g", "postgres"]).toString()) } : undefined;
  const folder = mkdtempSync(join(tmpdir(), "jobwrap-pg-"));
  if (owner) chownSync(folder, owner.uid, owner.gid);
  const data = join(folder, "data");
  const as = { ...owner, env: { ...process.env, LC_ALL: "C" } };
  await run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], as);
  const port = await freePort();
  // Loopback only, the socket in the temp folder; durability off: these databases live for one file.
  const settings = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  const start = async () => {
    await run(join(bin, "pg_ctl"), ["-D", data, "-o", settings, "-l", join(folder, "log"), "-w", "-t", "30", "start"], as);
  };
  const stop = async () => {
    await run(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"], as);
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const connect = () => postgres(url, { max: 2, onnotice: () => {}, fetch_types: false });
  let sql = connect();
  return {
    url,
    port,
    socketDir: folder,
    get sql() {
      return sql;
    },
    async start() {
      await start();
      sql = connect();
    },
    async stop() {
      await sql.end({ timeout: 0 }).catch(() => {});
      await stop();
    },
    async dispose() {
      await sql.end({ timeout: 1 }).catch(() => {});
      await stop().catch(() => {});
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
