// The drain under load, as Heroku plays it: the Procfile's web command in its own process
// group, requests in flight over keep-alive connections, then SIGTERM to the group.
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExample } from "../../scripts/build-example.js";
import { send } from "../support/http.js";
import { freePort } from "../support/ports.js";
import { startPostgres, type Postgres } from "../support/postgres.js";
import { leftOut } from "../support/system.js";
import { startWeb, type Started } from "../support/web.js";

describe("drain on SIGTERM (examples/heroku, Procfile web command)", () => {
  let web: Started;
  let port: number;

  beforeAll(async () => {
    await buildExample("heroku");
    port = await freePort();
    web = await startWeb(port);
  });
  afterAll(() => {
    if (web.child.exitCode === null) process.kill(-web.child.pid!, "SIGKILL");
  });

  it("finishes every accepted request, refuses new connections, and exits 0 within 15 s", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    // Warm keep-alive connections with real traffic first.
    const warm = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(agent, port, JSON.stringify({ name: `warm${letters(i)}` }))),
    );
    expect(warm.map((r) => r.status)).toEqual(Array(40).fill(201));

    // 60 requests in flight: headers sent and accepted, bodies not finished yet.
    const inFlight = Array.from({ length: 60 }, (_, i) => slowPost(agent, port, JSON.stringify({ name: `drain${letters(i)}` })));
    inFlight.forEach((req) => req.response.catch(() => {}));
    await new Promise((resolve) => setTimeout(resolve, 300));

    const signalled = Date.now();
    process.kill(-web.child.pid!, "SIGTERM");
    await web.waitFor('"message":"draining"');

    // The listener is closed while the process still serves what it accepted.
    expect(web.child.exitCode).toBeNull();
    await expect(tryConnect(port)).resolves.toBe("ECONNREFUSED");

    for (const req of inFlight) req.finish();
    const answers = await Promise.all(inFlight.map((req) => req.response)).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${web.output.join("")}`);
    });
    const exitCode = await new Promise<number | null>((resolve) =>
      web.child.exitCode !== null ? resolve(web.child.exitCode) : web.child.once("exit", (code) => resolve(code)),
    );
    const elapsed = Date.now() - signalled;

    answers.forEach((answer, i) => {
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.body)).toEqual({ name: `drain${letters(i)}` });
      expect(answer.connection).toBe("close");
    });
    expect(exitCode).toBe(0);
    expect(elapsed).toBeLessThan(15_000);
    expect(web.output.join("")).toContain('"message":"drained"');
    agent.destroy();
  });
});

// The same drain with a database: creates under load on a real PostgreSQL server, then SIGTERM.
// Every user answered 201 must be in the table.
describe.skipIf(leftOut("postgres"))("drain on SIGTERM with PostgreSQL (examples/heroku, Procfile web command)", () => {
  let pg: Postgres;
  let web: Started;
  let port: number;

  beforeAll(async () => {
    // The example is built by the suite above, in this same file: two builds would write one file at once.
    pg = await startPostgres();
    port = await freePort();
    web = await startWeb(port, { DATABASE_URL: pg.url, JOBWRAP_DRAIN_TIMEOUT_MS: "10000" });
  }, 60_000);
  afterAll(async () => {
    if (web?.child.exitCode === null) process.kill(-web.child.pid!, "SIGKILL");
    await pg?.dispose();
  });

  it("loses no user answered 201 and answers none twice, closes its pool and exits 0", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const base = `http://127.0.0.1:${port}`;
    const answered: { name: string; status: number }[] = [];
    const sent: string[] = [];
    let n = 0;
    let signalled = false;
    const client = async () => {
      // Until the server refuses connections: its listener is closed by the drain.
      for (;;) {
        const name = `load${letters(n++)}`;
        sent.push(name);
        try {
          const response = await send(base, { method: "POST", path: "/user", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) }, agent);
          answered.push({ name, status: response.status });
        } catch {
          if (signalled) return;
          throw new Error(`the server failed before SIGTERM:\n${web.output.join("")}`);
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const before = answered.length;
    signalled = true;
    process.kill(-web.child.pid!, "SIGTERM");
    await Promise.all(clients);
    const exitCode = await new Promise<number | null>((resolve) =>
      web.child.exitCode !== null ? resolve(web.child.exitCode) : web.child.once("exit", (code) => resolve(code)),
    );
    agent.destroy();

    expect(before).toBeGreaterThan(50);
    expect(answered.length).toBeGreaterThan(before);
    expect(exitCode).toBe(0);
    const output = web.output.join("");
    expect(output).toContain('"message":"drained"');
    expect(output).toContain('"message":"backend closed"');
    // Every name was sent once: a 409 would be a create that ran twice.
    expect(new Set(answered.map((a) => a.status))).toEqual(new Set([201]));
    const created = answered.map((a) => a.name);
    expect(new Set(created).size).toBe(created.length);
    const rows = (await pg.sql<{ name: string }[]>`select name from users`).map((row) => row.name);
    const stored = new Set(rows);
    expect(created.filter((name) => !stored.has(name))).toEqual([]);
    // And nothing stored that no one asked for.
    expect(rows.filter((name) => !sent.includes(name))).toEqual([]);
    // The drain closed the pool before the exit: no session of the service is left on the server.
    expect(await pg.sql`select pid from pg_stat_activity where application_name = 'jobwrap-users'`).toHaveLength(0);
  }, 60_000);
});

/** a, b, …, z, ba, bb: names of letters only, as the users schema wants. */
function letters(n: number): string {
  let out = "";
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out.padStart(3, "a");
}

interface Answer {
  status: number;
  body: string;
  connection: string | undefined;
}

function post(agent: Agent, port: number, body: string): Promise<Answer> {
  const req = slowPost(agent, port, body);
  req.finish();
  return req.response;
}

/** A POST whose headers go now and whose body goes when `finish()` is called. */
function slowPost(agent: Agent, port: number, body: string): { response: Promise<Answer>; finish(): void } {
  const req = request({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/user",
    agent,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
  });
  const response = new Promise<Answer>((resolve, reject) => {
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body: text, connection: res.headers.connection }));
    });
    req.on("error", reject);
  });
  req.flushHeaders();
  return { response, finish: () => req.end(body) };
}

function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
