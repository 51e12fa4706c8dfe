/**
 * `serve()`: the Node server for Heroku, App Engine and Kubernetes. It wires the parts together:
 * its health checks, the docs, the refusals before the pipeline (node-refusal), the app's
 * listener (node-listener), and the drain on a signal (node-drain).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { addCors, type Prepared } from "../core/handle.js";
import type { App } from "../core/routes.js";
import { docsRoutes, type DocsOptions } from "../openapi/docs-routes.js";
import { compressionOf } from "./node-compress.js";
import { drainOf, drainOnSignals, type Lifecycle } from "./node-drain.js";
import { pathOf, respond } from "./node-http.js";
import { continueOnRead, listener, prepareNode, type NodeOptions } from "./node-listener.js";
import { installRefusals } from "./node-refusal.js";
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
  /**
   * The backend the jobs call, such as a database pool: while its `ready()` resolves false, fails
   * or takes over 2 s, `/readyz` answers 503 (`/healthz` stays 200, so the process is not
   * restarted for the database's outage); a drain calls its `close()` once the requests in flight
   * and their `waitUntil` work have finished. Leave `ready` out to keep readiness about this process only.
   */
  backend?: Backend;
}

export interface Backend {
  ready?(): Promise<boolean>;
  close?(): Promise<void>;
}

/** Longest a readiness check waits for the backend: probes time out too (Kubernetes after 1 s by default). */
const backendCheckMs = 2_000;

async function backendReady(backend: Required<Pick<Backend, "ready">>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      backend.ready(),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), backendCheckMs))),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
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

/**
 * How often Node looks for requests past their timeouts: a tenth of the shorter one, so a
 * request is refused within 110 % of it; never more often than every 10 ms, nor less than Node's 30 s.
 */
function checkingInterval(headersTimeout: number, requestTimeout: number): number {
  const shorter = Math.min(headersTimeout || Infinity, requestTimeout || Infinity);
  return shorter === Infinity ? 30_000 : Math.max(10, Math.min(30_000, Math.ceil(shorter / 10)));
}

type Health = "ok" | "draining" | "backend unavailable";

/**
 * Answers a health check: liveness is up while the process serves, readiness until a drain
 * starts and while the backend is. With the app's CORS headers, as every answer of the server.
 */
function answerHealth(res: ServerResponse, health: Health, unready: boolean, app: Prepared): void {
  const body = JSON.stringify({ status: health });
  const headers: [string, string][] = [
    ["content-type", "application/json"],
    ["content-length", String(Buffer.byteLength(body))],
    ["cache-control", "no-store"],
  ];
  if (unready) headers.push(["connection", "close"]);
  addCors(app, headers, res.req.headers.origin, process.env);
  res.writeHead(health === "ok" ? 200 : 503, headers.flat());
  res.end(body);
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
  const handler = listener(prepared, options, life, compressionOf(options.compress, true));

  const requestTimeout = options.requestTimeout ?? 300_000;
  const headersTimeout = options.headersTimeout ?? (requestTimeout > 0 ? Math.min(60_000, requestTimeout) : 60_000);
  const server = createServer({
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: checkingInterval(headersTimeout, requestTimeout),
    // A request with no Host is refused by installRefusals with a problem, as every other refusal is, not by Node's bare 400.
    requireHostHeader: false,
  });
  server.keepAliveTimeout = options.keepAliveTimeout ?? 620_000;
  const refusedEarly = installRefusals(server, prepared);

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (refusedEarly(req, res)) return;
    const path = pathOf(req.url ?? "");
    if ((path === healthPath || path === readyPath) && (req.method === "GET" || req.method === "HEAD")) {
      const { backend } = options;
      if (path === healthPath || life.unready || !backend?.ready) {
        answerHealth(res, path === healthPath || !life.unready ? "ok" : "draining", life.unready, prepared);
      } else {
        void backendReady(backend as Required<Pick<Backend, "ready">>).then((up) =>
          answerHealth(res, up ? "ok" : "backend unavailable", life.unready, prepared),
        );
      }
      return;
    }
    if (docs?.paths.has(path!) && (req.method === "GET" || req.method === "HEAD")) {
      const answer = docs.answer(path!).then((out) => {
        addCors(prepared, out.headers, req.headers.origin, process.env);
        return out;
      });
      respond(res, answer, closing, prepared, prepared.bodyLimit);
      return;
    }
    handler(req, res);
  };
  server.on("request", onRequest);
  // Without this listener Node sends `100 Continue` before any of the request is judged.
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    continueOnRead(req);
    onRequest(req, res);
  });
  const close = options.backend?.close?.bind(options.backend);
  const drain = drainOf(server, life, { delay: drainDelay, timeout: drainTimeout }, sink, close);

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

  drainOnSignals(options.signals ?? ["SIGTERM", "SIGINT"], drain, sink);
  return { server, ready, drain };
}
