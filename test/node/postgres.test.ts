// The users service on the Node server against a real PostgreSQL server this file starts: the
// users contract, the server stopped mid-load and started again, a query slower than the deadline.
import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type Served } from "jobwrap/node";
import type { LogEntry } from "jobwrap";
import { api, useStore } from "../../examples/users/index.js";
import { postgresStore, type PostgresStore } from "../../examples/users/postgres.js";
import { webOrigin } from "../contract/app.js";
import { runContract } from "../contract/run.js";
import { send } from "../support/http.js";
import { startPostgres, type Postgres } from "../support/postgres.js";
import { leftOut } from "../support/system.js";

const json = { "content-type": "application/json" };
const deadline = 1_500;
const skip = leftOut("postgres");

/** A name of letters only (the schema's), unique per number. */
function nameOf(prefix: string, n: number): string {
  let letters = "";
  do {
    letters = String.fromCharCode(97 + (n % 26)) + letters;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `${prefix}${letters}`;
}

describe.skipIf(skip)("users on PostgreSQL (jobwrap/node, a real server)", () => {
  let pg: Postgres;
  let store: PostgresStore;
  let served: Served;
  let base: string;
  const logs: LogEntry[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });

  beforeAll(async () => {
    // The contract's CORS rows call from its web origin, which the example allows by USERS_WEB_ORIGIN.
    process.env.USERS_WEB_ORIGIN = webOrigin;
    pg = await startPostgres();
    store = postgresStore(pg.url, { max: 8 });
    useStore(store);
    served = serve(api, { port: 0, host: "127.0.0.1", signals: [], timeout: deadline, backend: store, log: (entry) => logs.push(entry) });
    base = (await served.ready).url;
  }, 60_000);
  afterAll(async () => {
    delete process.env.USERS_WEB_ORIGIN;
    agent.destroy();
    await served?.drain();
    await pg?.dispose();
  });

  describe("the users contract", () => {
    runContract({ platform: "node", rows: (row) => row.request.path.startsWith("/user") }, () => (request) => send(base, request));
  });

  it("stores users in the table the migration made, and a taken name is a 409 from the unique key", async () => {
    const rows = await pg.sql`select name from users where name = 'Alice'`;
    expect(rows).toHaveLength(1);
    expect((await send(base, { method: "POST", path: "/user", headers: json, body: '{"name":"Alice"}' })).status).toBe(409);
  });

  it("connects through a Unix socket named as libpq and Cloud SQL do: ?host=/folder", async () => {
    // The URL's host is one no network knows: only the socket can answer.
    const bySocket = postgresStore(`postgres://postgres@no-such-host.invalid:${pg.port}/postgres?host=${pg.socketDir}`, { max: 1 });
    try {
      expect(await bySocket.ready()).toBe(true);
      expect(await bySocket.create({ name: "Socket" })).toBe(true);
      expect(await pg.sql`select name from users where name = 'Socket'`).toHaveLength(1);
    } finally {
      await bySocket.close();
    }
  });

  it("survives the database stopping mid-load: 503 problems, no hang, /readyz 503, /healthz 200; then recovers without a restart", async () => {
    expect((await send(base, { method: "GET", path: "/readyz" })).status).toBe(200);
    const answers: { status: number; ms: number; body: string; retryAfter?: string; requestId?: string; started: number }[] = [];
    let stop = false;
    let n = 0;
    const ask = async (request: { method: string; path: string; headers?: Record<string, string>; body?: string }) => {
      const started = Date.now();
      const response = await send(base, request, agent);
      answers.push({
        status: response.status,
        ms: Date.now() - started,
        body: new TextDecoder().decode(response.body),
        retryAfter: response.headers["retry-after"]?.[0],
        requestId: response.headers["x-request-id"]?.[0],
        started,
      });
      return response.status;
    };
    // Each client creates a user, and reads it back once created.
    const client = async () => {
      while (!stop) {
        const name = nameOf("load", n++);
        if ((await ask({ method: "POST", path: "/user", headers: json, body: JSON.stringify({ name }) })) === 201) {
          await ask({ method: "GET", path: `/user/${name}` });
        }
      }
    };
    const clients = Array.from({ length: 8 }, client);
    // Under load first: enough answers (however busy the machine) before the server stops.
    const loading = Date.now();
    while (answers.length <= 20 && Date.now() - loading < 10_000) await new Promise((resolve) => setTimeout(resolve, 50));
    await pg.stop();
    const stoppedAt = Date.now();
    const downAt = answers.length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const readyWhileDown = await send(base, { method: "GET", path: "/readyz" });
    const healthWhileDown = await send(base, { method: "GET", path: "/healthz" });
    stop = true;
    await Promise.all(clients);
    await pg.start();

    expect(downAt).toBeGreaterThan(20);
    expect(readyWhileDown.status).toBe(503);
    expect(healthWhileDown.status).toBe(200);
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(10);
    // Before the stop: 201 and 200. A request caught by the shutdown itself may wait on a
    // connection the server never answers: 504 at its deadline. Once it is down: 503 problems.
    // Nothing else: no 500, no hang.
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201, 200, 503, ...(answers.some((a) => a.status === 504) ? [504] : [])]));
    expect(answers.filter((a) => a.started > stoppedAt + 100 && a.status !== 503).map((a) => [a.status, a.ms, a.started - stoppedAt])).toEqual([]);
    for (const answer of answers.filter((a) => a.status === 504)) expect(answer.started).toBeLessThan(stoppedAt + 100);
    for (const answer of unavailable) {
      expect(answer.retryAfter).toBe("1");
      const problem = JSON.parse(answer.body) as Record<string, unknown>;
      expect(problem).toMatchObject({ status: 503, title: "Service Unavailable", requestId: answer.requestId });
      expect(answer.body).not.toMatch(/ECONNREFUSED|terminating|postgres|CONNECTION|127\.0\.0\.1/i);
    }
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(deadline + 500);
    // The log has what the body hides: the driver's failure, with the request id.
    const line = logs.find((entry) => entry.requestId === unavailable[0]!.requestId && entry.message === "job answered a server error");
    const cause = (line?.error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
    expect(cause?.code ?? cause?.message).toMatch(/ECONNREFUSED|57P01|CONNECTION|ECONNRESET/);

    // As a load balancer sees it: ready again within a few probes, with no restart.
    const restarted = Date.now();
    while ((await send(base, { method: "GET", path: "/readyz" })).status !== 200 && Date.now() - restarted < 3_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await send(base, { method: "GET", path: "/readyz" })).status).toBe(200);
    expect((await send(base, { method: "POST", path: "/user", headers: json, body: '{"name":"Again"}' })).status).toBe(201);
    expect((await send(base, { method: "GET", path: "/user/Again" })).status).toBe(200);
  }, 30_000);

  it("answers 503 with Retry-After when every connection of the pool stays busy, rather than queueing to the deadline", async () => {
    // A pool of one, its connection held by an insert waiting on another session's lock.
    const small = postgresStore(pg.url, { max: 1, queueTimeout: 200 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const transaction = pg.sql.begin(async (tx) => {
      await tx`lock table users in access exclusive mode`;
      locked();
      await held;
    });
    await isLocked;
    useStore(small);
    try {
      const first = send(base, { method: "POST", path: "/user", headers: json, body: '{"name":"Holder"}' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      const second = await send(base, { method: "GET", path: "/user/Alice" });
      expect(second.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(deadline);
      expect(second.headers["retry-after"]).toEqual(["1"]);
      const body = new TextDecoder().decode(second.body);
      expect(JSON.parse(body)).toMatchObject({ status: 503, title: "Service Unavailable" });
      expect(body).not.toMatch(/pool|connection/i);
      release();
      expect((await first).status).toBe(201);
      // The connection is free again: the next request is served.
      expect((await send(base, { method: "GET", path: "/user/Holder" })).status).toBe(200);
    } finally {
      release();
      await transaction;
      useStore(store);
      await small.close();
    }
  }, 20_000);

  it("cancels a query slower than the deadline: 504, and the query is gone from pg_stat_activity within a second", async () => {
    // Another session holds the table, so the job's insert waits on its lock until cancelled.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const transaction = pg.sql.begin(async (tx) => {
      await tx`lock table users in access exclusive mode`;
      locked();
      await held;
    });
    await isLocked;
    try {
      const started = Date.now();
      const response = await send(base, { method: "POST", path: "/user", headers: json, body: '{"name":"Slow"}' });
      expect(response.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(deadline + 500);
      const waiting = async () =>
        (await pg.sql`select pid from pg_stat_activity where application_name = 'jobwrap-users' and state = 'active' and query like 'insert into users%'`).length;
      const gone = Date.now();
      while ((await waiting()) > 0 && Date.now() - gone < 1_000) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await waiting()).toBe(0);
    } finally {
      release();
      await transaction;
    }
    expect(await pg.sql`select name from users where name = 'Slow'`).toHaveLength(0);
  }, 20_000);
});
