/**
 * The example folder as its README runs it: `npm start` in examples/cloud-functions builds the
 * bundle and serves it with the functions-framework CLI, a separate process, as on Cloud Functions
 * (NODE_ENV=production, the project named in the environment).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webOrigin } from "../contract/app.js";
import { runContract } from "../contract/run.js";
import { send } from "../support/http.js";
import { firestoreLeftOut, startFirestoreEmulator, type FirestoreEmulator } from "../support/firestore.js";
import { freePort } from "../support/ports.js";
import { frameworkAnswers } from "./framework-answers.js";

const folder = fileURLToPath(new URL("../../examples/cloud-functions/", import.meta.url));

/** Resolves once the server answers; rejects if the process exits first. */
async function answering(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`npm start exited with ${code} before serving:\n${output()}`);
  });
  for (;;) {
    const attempt = send(base, { method: "GET", path: "/" }).then(
      () => true,
      () => false,
    );
    if (await Promise.race([attempt, exited])) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("examples/cloud-functions through `npm start`", () => {
  let child: ChildProcess;
  let base: string;
  let stdout = "";
  let stderr = "";

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn("npm", ["start"], {
      cwd: folder,
      // The contract's CORS rows call from its web origin, which the example allows by USERS_WEB_ORIGIN.
      env: { ...process.env, PORT: String(port), NODE_ENV: "production", GOOGLE_CLOUD_PROJECT: "jobwrap-test", USERS_WEB_ORIGIN: webOrigin },
      // Its own process group, so the shell and the framework under npm stop with it.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    await answering(base, child, () => stdout + stderr);
  });

  /** The first JSON log line on the process's stdout that `match`es, waiting for it to arrive. */
  async function logLine(match: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (;;) {
      const found = stdout
        .split("\n")
        .filter((text) => text.startsWith("{"))
        .map((text) => JSON.parse(text) as Record<string, unknown>)
        .find(match);
      if (found) return found;
      await once(child.stdout!, "data");
    }
  }

  afterAll(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  });

  runContract(
    { platform: "cloud-functions", platformAnswers: frameworkAnswers(true), rows: (row) => row.request.path.startsWith("/user") },
    () => (request) => send(base, request),
  );

  it("cannot keep a malformed JSON body out of the logs: Express prints the parse error with the body", async () => {
    const body = '{"password": "hunter2", oops}';
    const response = await send(base, { method: "POST", path: "/user", headers: { "content-type": "application/json" }, body });
    expect(response.status).toBe(400);
    // Pinned so a framework upgrade that stops it shows here, and the README can say so.
    // The error's lines may come in several chunks: wait for the whole of it.
    await expect.poll(() => stderr, { timeout: 10_000 }).toContain(`body: '${body}'`);
    expect(stderr).toContain("entity.parse.failed");
  });

  it("files the request's log lines under its trace in the project from the environment", async () => {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const response = await send(base, {
      method: "GET",
      path: "/user/Nobody",
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    expect(response.headers["x-request-id"]).toEqual([traceId]);
    expect(await logLine((entry) => entry.requestId === traceId)).toMatchObject({
      severity: "INFO",
      message: "GET /user/Nobody 404",
      platform: "cloud-functions",
      "logging.googleapis.com/trace": `projects/jobwrap-test/traces/${traceId}`,
      "logging.googleapis.com/spanId": "b7ad6b7169203331",
      "logging.googleapis.com/trace_sampled": true,
    });
  });
});

describe.skipIf(firestoreLeftOut())("examples/cloud-functions through `npm start`, its users in Firestore (the emulator)", () => {
  let emulator: FirestoreEmulator;
  let child: ChildProcess;
  let base: string;
  let output = "";
  const project = "demo-jobwrap";

  beforeAll(async () => {
    emulator = await startFirestoreEmulator();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn("npm", ["start"], {
      cwd: folder,
      env: {
        ...process.env,
        PORT: String(port),
        NODE_ENV: "production",
        GOOGLE_CLOUD_PROJECT: project,
        USERS_COLLECTION: "users",
        FIRESTORE_EMULATOR_HOST: emulator.host,
        USERS_WEB_ORIGIN: webOrigin,
      },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    await answering(base, child, () => output);
    // The first call opens the store's channel to the emulator, which on a busy machine can take
    // longer than a request may (503): the contract starts once the store answers.
    for (let tries = 0; (await send(base, { method: "GET", path: "/user/Nobody" })).status !== 404; tries++) {
      if (tries === 10) throw new Error(`the Firestore store never answered:\n${output}`);
    }
  }, 180_000);
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
    await emulator?.stop();
  });

  runContract(
    { platform: "cloud-functions", platformAnswers: frameworkAnswers(true), rows: (row) => row.request.path.startsWith("/user") },
    () => (request) => send(base, request),
  );

  it("keeps the users as documents of the collection, and reads documents written there", async () => {
    const { Firestore } = await import("@google-cloud/firestore");
    const db = new Firestore({ projectId: project, host: emulator.host, ssl: false });
    try {
      expect((await db.collection("users").doc("Alice").get()).data()).toEqual({ name: "Alice" });
      await db.collection("users").doc("Grace").create({ name: "Grace" });
      const read = await send(base, { method: "GET", path: "/user/Grace" });
      expect(read.status).toBe(200);
      expect(JSON.parse(new TextDecoder().decode(read.body))).toEqual({ name: "Grace" });
    } finally {
      await db.terminate();
    }
  });

  it("answers 503 with Retry-After when Firestore is gone, nothing of the client's error in the body", async () => {
    await emulator.stop();
    const response = await send(base, { method: "GET", path: "/user/Alice" });
    expect(response.status).toBe(503);
    expect(response.headers["retry-after"]).toEqual(["1"]);
    const body = new TextDecoder().decode(response.body);
    expect(JSON.parse(body)).toMatchObject({ status: 503, title: "Service Unavailable" });
    expect(body).not.toMatch(/UNAVAILABLE|ECONNREFUSED|127\.0\.0\.1|grpc|Firestore/);
  }, 60_000);
});
