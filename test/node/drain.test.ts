// The drain under load, as Heroku plays it: the Procfile's web command in its own process
// group, requests in flight over keep-alive connections, then SIGTERM to the group.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { connect, createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExample } from "../../scripts/build-example.js";

const heroku = fileURLToPath(new URL("../../examples/heroku/", import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function webCommand(): string {
  const line = readFileSync(`${heroku}Procfile`, "utf8").split("\n").find((l) => l.startsWith("web:"));
  if (!line) throw new Error("the Procfile has no web process");
  return line.slice(4).trim();
}

interface Started {
  child: ChildProcess;
  output: string[];
  waitFor(text: string): Promise<void>;
}

function startWeb(port: number): Promise<Started> {
  // Heroku runs the command with bash, which execs a simple command: node gets the signal itself.
  const child = spawn("bash", ["-c", webCommand()], {
    cwd: heroku,
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (chunk: Buffer) => {
    output.push(chunk.toString());
    const all = output.join("");
    for (const waiter of waiters.filter((w) => all.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const waitFor = (text: string) =>
    output.join("").includes(text) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ text, resolve }));
  return waitFor("listening on").then(() => ({ child, output, waitFor }));
}

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
