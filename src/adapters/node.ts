import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { handle, prepare, type AppOptions, type Prepared } from "../core/handle.js";
import { HttpError } from "../core/http-error.js";
import { requestIdOf } from "../core/request-id.js";
import type { App } from "../core/routes.js";
import type { LogSink } from "../core/types.js";
import { docsRoutes, type DocsOptions } from "../openapi/docs-routes.js";
import { incomingOf, NodeHttpPlatform, readLimited, respond, send } from "./node-http.js";
import { answerAndClose, clientErrorListener, problemAnswer, wireAnswer } from "./node-refusal.js";
import {
  defaultDrainDelayMs,
  defaultDrainTimeoutMs,
  defaultHealthPath,
  defaultPort,
  defaultReadyPath,
  drainDelayEnv,
  drainTimeoutEnv,
  portEnv,
} from "./node-settings.js";

export interface NodeOptions extends AppOptions {
  /**
   * Milliseconds a job may take before it answers 504 and its `ctx.signal` aborts, unless the job
   * sets its own. Default 28 s: the answer then comes before the routers in front give up on it
   * (Heroku's after 30 s, with a bare 503).
   */
  timeout?: number;
}

export const defaultNodeTimeout = 28_000;

/** The app made ready on the Node server: its options, with the default deadline. */
function prepareNode(app: App, options: NodeOptions): Prepared {
  return prepare(app, { ...options, timeout: options.timeout ?? defaultNodeTimeout });
}
export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Per-server state the listener consults: drain, and work still running after responses. */
interface Lifecycle {
  /**
   * Set by the signal: `/readyz` answers 503, and every answer says `connection: close`, so
   * keep-alive clients reconnect elsewhere between requests instead of racing the close of an
   * idle socket later.
   */
  unready: boolean;
  pending: Set<Promise<unknown>>;
}

function listener(prepared: Prepared, env: unknown, life: Lifecycle | undefined): Listener {
  const waitUntil = (promise: Promise<unknown>) => {
    if (!life) return;
    life.pending.add(promise);
    void promise.finally(() => life.pending.delete(promise));
  };
  const closing = () => life?.unready === true;
  return (req, res) => {
    const incoming = incomingOf(req, (limit) => readBody(req, res, limit));
    const platform = new NodeHttpPlatform("node", env, res, waitUntil);
    respond(res, handle(prepared, incoming, platform), closing, prepared.sink, prepared.bodyLimit);
  };
}

/** Requests whose client waits for `100 Continue` before it sends the body (serve's `checkContinue`). */
const awaitingContinue = new WeakSet<IncomingMessage>();

/**
 * Reads the body. A client waiting for `100 Continue` gets it only now: core asks for the body
 * once the route, the extractors, the media type and the declared length against the job's own
 * limit have passed, so any refusal before (404, 401, 413…) is answered without a 100 and
 * without the body ever being sent.
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Uint8Array> {
  if (awaitingContinue.delete(req)) res.writeContinue();
  return readLimited(req, limit);
}

/** A `(req, res)` listener for an existing `node:http` server. */
export function wrap(app: App, options: NodeOptions = {}): Listener {
  return listener(prepareNode(app, options), process.env, undefined);
}

export interface ServeOptions extends NodeOptions {
  /** Default: `PORT`, else 8080. */
  port?: number;
  /** Default: all interfaces. */
  host?: string;
  /** Most milliseconds a drain waits for in-flight requests. Default: `JOBWRAP_DRAIN_TIMEOUT_MS`, else 10 s. */
  drainTimeout?: number;
  /**
   * Milliseconds between the signal and closing the listener, while `/readyz` already answers
   * 503 and requests are still served, each answered with `connection: close`: lets a load
   * balancer see the instance go unready before it stops accepting, and moves keep-alive clients
   * off it. Default: `JOBWRAP_DRAIN_DELAY_MS`, else 0 (on Kubernetes a preStop pause lets
   * endpoints forget the pod, but only this delay tells its keep-alive clients).
   */
  drainDelay?: number;
  /** Liveness path. Default `/healthz`. */
  healthPath?: string;
  /** Readiness path, 503 while draining. Default `/readyz`. */
  readyPath?: string;
  /** Idle keep-alive time; above load balancers' own (AWS ALB 60 s, Google's 600 s). Default 620 s. */
  keepAliveTimeout?: number;
  /**
   * Milliseconds a request's line and headers may take to arrive, from its first byte; past it
   * the request is answered 408 and the connection closed (slow-header clients). Node checks
   * every tenth of the shorter of this and `requestTimeout`, so the 408 comes within 110 % of it.
   * Default 60 s (at most `requestTimeout`).
   */
  headersTimeout?: number;
  /** Milliseconds a whole request, body included, may take to arrive; then 408 and closed. Default 300 s. `0`: no limit. */
  requestTimeout?: number;
  /** Signals that start a drain and then exit 0; `[]` to handle none. Default SIGTERM and SIGINT. */
  signals?: NodeJS.Signals[];
  /**
   * Also answer `/openapi.json` and a Swagger UI page at `/docs` (paths and document options in
   * `DocsOptions`). The generator and the page's assets load on the first docs request only.
   */
  docs?: boolean | DocsOptions;
}

export interface Served {
  server: Server;
  /** Resolves once listening, with the base URL. */
  ready: Promise<{ port: number; url: string }>;
  /** Turns unready, stops accepting, lets in-flight requests finish, closes idle sockets. */
  drain(): Promise<void>;
}

/** A number from the environment; a value that is not one stops the start (a NaN drain timeout would end every drain at once). */
function envNumber(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`${name} must be a number of 0 or more, got ${JSON.stringify(value)}`);
  return number;
}

/** More header fields than this are refused with 431, rather than dropped by Node past its count. */
const maxHeaderFields = 1000;

/**
 * What Node's parser lets through but HTTP/1.1 refuses: a missing or repeated Host (RFC 9112
 * §3.2), a version other than 1.x, and more header fields than `maxHeaderFields`.
 */
function headerRefusal(req: IncomingMessage): HttpError | undefined {
  if (req.httpVersionMajor !== 1) return new HttpError(505, "This server speaks HTTP/1.0 and HTTP/1.1");
  const raw = req.rawHeaders;
  if (raw.length > 2 * maxHeaderFields) return new HttpError(431, `The request has more than ${maxHeaderFields} header fields`);
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === 4 && raw[i]!.toLowerCase() === "host") hosts++;
  if (hosts > 1) return new HttpError(400, "The request has more than one Host header field");
  if (hosts === 0 && req.httpVersionMinor === 1) return new HttpError(400, "An HTTP/1.1 request must have a Host header field");
  return undefined;
}

/** One access line for a request refused before the pipeline, as core writes for the rest. */
function logRefusal(sink: LogSink, req: IncomingMessage, status: number, requestId: string): void {
  const path = req.url?.split("?", 1)[0] ?? "";
  sink({ severity: "INFO", message: `${req.method} ${path} ${status}`, method: req.method, path, status, durationMs: 0, requestId, platform: "node" });
}

/** Answers a parsed request that is refused before the pipeline, and closes the connection. */
function refuse(req: IncomingMessage, res: ServerResponse, error: HttpError, sink: LogSink, unreadLimit: number): void {
  const requestId = requestIdOf(req.headers as Record<string, string | undefined>);
  const out = problemAnswer(error, requestId);
  if (req.method === "HEAD") {
    // As core answers HEAD: the length of the body, not the body (the refusal may go out on the socket itself).
    out.headers.push(["content-length", String(Buffer.byteLength(out.body as string))]);
    out.body = null;
  }
  send(res, out, true, unreadLimit);
  logRefusal(sink, req, error.status, requestId);
}

/**
 * How often Node looks for requests past their timeouts: a tenth of the shorter one, so a
 * request is refused within 110 % of it; never more often than every 10 ms, nor less than Node's 30 s.
 */
function checkingInterval(headersTimeout: number, requestTimeout: number): number {
  const shorter = Math.min(headersTimeout || Infinity, requestTimeout || Infinity);
  return shorter === Infinity ? 30_000 : Math.max(10, Math.min(30_000, Math.ceil(shorter / 10)));
}

/**
 * The responses of each connection, so that a parser error on it is answered only when no
 * answer has begun there: a refusal written into a response under way would corrupt it.
 */
class Answers {
  #bySocket = new WeakMap<Socket, Set<ServerResponse>>();

  add(res: ServerResponse): void {
    const socket = res.req.socket;
    let answers = this.#bySocket.get(socket);
    if (!answers) this.#bySocket.set(socket, (answers = new Set()));
    // Those already written are done with; a keep-alive connection's set stays small.
    for (const earlier of answers) if (earlier.writableEnded) answers.delete(earlier);
    answers.add(res);
  }

  started(socket: Socket): boolean {
    for (const res of this.#bySocket.get(socket) ?? []) if (res.headersSent && !res.writableEnded) return true;
    return false;
  }
}

/** Serves the app over HTTP for Heroku, App Engine and Kubernetes, with health checks and a graceful drain. */
export function serve(app: App, options: ServeOptions = {}): Served {
  const healthPath = options.healthPath ?? defaultHealthPath;
  const readyPath = options.readyPath ?? defaultReadyPath;
  const prepared = prepareNode(app, options);
  const docs = options.docs ? docsRoutes(app, options.docs, { log: options.log, timeout: prepared.timeout }) : undefined;
  if (app.kind === "routes") {
    for (const path of [healthPath, readyPath, ...(docs?.paths ?? [])]) {
      if (prepared.match("GET", path).kind !== "no-route") {
        const keeps = docs?.paths.has(path) ? "the API docs: pass docs.path/docs.specPath" : "health checks: pass healthPath/readyPath";
        throw new Error(`a route answers ${path}, which serve() keeps for ${keeps}`);
      }
    }
  }
  const drainTimeout = options.drainTimeout ?? envNumber(drainTimeoutEnv) ?? defaultDrainTimeoutMs;
  const drainDelay = options.drainDelay ?? envNumber(drainDelayEnv) ?? defaultDrainDelayMs;
  const port = options.port ?? envNumber(portEnv) ?? defaultPort;
  const { sink } = prepared;
  const life: Lifecycle = { unready: false, pending: new Set() };
  const closing = () => life.unready;
  const handler = listener(prepared, process.env, life);

  const requestTimeout = options.requestTimeout ?? 300_000;
  const headersTimeout = options.headersTimeout ?? (requestTimeout > 0 ? Math.min(60_000, requestTimeout) : 60_000);
  const answers = new Answers();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    answers.add(res);
    const refusal = headerRefusal(req);
    if (refusal) {
      refuse(req, res, refusal, sink, prepared.bodyLimit);
      return;
    }
    const path = req.url?.split("?", 1)[0];
    if ((path === healthPath || path === readyPath) && (req.method === "GET" || req.method === "HEAD")) {
      const up = path === healthPath || !life.unready;
      const body = JSON.stringify({ status: up ? "ok" : "draining" });
      res.writeHead(up ? 200 : 503, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "cache-control": "no-store",
        ...(life.unready ? { connection: "close" } : {}),
      });
      res.end(body);
      return;
    }
    if (docs?.paths.has(path!) && (req.method === "GET" || req.method === "HEAD")) {
      respond(res, docs.answer(path!), closing, sink, prepared.bodyLimit);
      return;
    }
    handler(req, res);
  };

  const server = createServer(
    {
      headersTimeout,
      requestTimeout,
      connectionsCheckingInterval: checkingInterval(headersTimeout, requestTimeout),
      // A request with no Host is refused below, as a problem like every other refusal, not by Node's bare 400.
      requireHostHeader: false,
    },
    onRequest,
  );
  server.keepAliveTimeout = options.keepAliveTimeout ?? 620_000;
  // One more than are allowed, so that a request past the limit shows it (Node drops the rest unsaid).
  server.maxHeadersCount = maxHeaderFields + 1;
  // Without this listener Node sends `100 Continue` before any of the request is judged.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    awaitingContinue.add(req);
    onRequest(req, res);
  });
  // Without this listener Node answers a bare 417 and keeps the connection, reading the body.
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) => {
    answers.add(res);
    const refusal = headerRefusal(req) ?? new HttpError(417, "The only expectation this server meets is 100-continue");
    refuse(req, res, refusal, sink, prepared.bodyLimit);
  });
  server.on("clientError", clientErrorListener({ sink, answering: (socket) => answers.started(socket) }));
  // Node drops a CONNECT it has no listener for without a word. Its target names another host: not logged.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    const requestId = requestIdOf({});
    answerAndClose(socket, wireAnswer(problemAnswer(new HttpError(501, "This server is no proxy: it does not serve CONNECT"), requestId)));
    sink({ severity: "INFO", message: "refused a CONNECT: 501", method: "CONNECT", status: 501, requestId, platform: "node" });
  });

  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  const ready = new Promise<{ port: number; url: string }>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, options.host, () => {
      const address = server.address() as AddressInfo;
      const host = options.host && options.host !== "::" && options.host !== "0.0.0.0" ? options.host : "localhost";
      const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`;
      sink({ severity: "INFO", message: `listening on ${url}`, port: address.port });
      resolve({ port: address.port, url });
    });
  });

  let drained: Promise<void> | undefined;
  const drain = () =>
    (drained ??= (async () => {
      life.unready = true;
      const started = Date.now();
      if (drainDelay > 0) {
        sink({ severity: "INFO", message: "unready; still serving", drainDelay });
        await new Promise((resolve) => setTimeout(resolve, drainDelay));
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      sink({ severity: "INFO", message: "draining", connections: sockets.size, drainTimeout });
      // Keep-alive sockets become idle as their last response ends; close them as they do.
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), drainTimeout)));
      const outcome = await Promise.race([
        closed.then(() => Promise.allSettled([...life.pending])).then(() => "done" as const),
        timeout,
      ]);
      clearInterval(sweep);
      clearTimeout(timer);
      if (outcome === "timeout") {
        sink({ severity: "WARNING", message: "drain timed out; closing the remaining connections", open: sockets.size });
        server.closeAllConnections();
      }
      sink({ severity: "INFO", message: "drained", durationMs: Date.now() - started });
    })());

  for (const signal of options.signals ?? ["SIGTERM", "SIGINT"]) {
    process.once(signal, () => {
      sink({ severity: "INFO", message: `${signal} received` });
      void drain().then(() => process.exit(0));
    });
  }
  return { server, ready, drain };
}
