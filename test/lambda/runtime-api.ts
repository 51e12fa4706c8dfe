/**
 * A local Lambda Runtime API (`/2018-06-01/runtime/...`) on loopback, as the Lambda service
 * offers it to a runtime: `invocation/next` hands out queued events with their headers, and
 * `invocation/{id}/response` or `/error` (or `init/error`) settles them. Streamed responses
 * (`Lambda-Runtime-Function-Response-Mode: streaming`) arrive chunked, with error trailers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Settled {
  kind: "response" | "error";
  body: Buffer;
  headers: IncomingMessage["headers"];
  trailers: Record<string, string | undefined>;
  /** Each chunk as it arrived, for streamed responses. */
  chunks: Buffer[];
}

interface Invocation {
  id: string;
  event: unknown;
  deadlineMs: number;
  settle: (result: Settled) => void;
  fail: (error: Error) => void;
}

export class RuntimeApi {
  readonly server: Server;
  #queue: Invocation[] = [];
  #waiting: ServerResponse[] = [];
  #open = new Map<string, Invocation>();
  #n = 0;
  initError: Buffer | undefined;

  constructor() {
    this.server = createServer((req, res) => this.#route(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues an event, as an invoke does, and resolves with what the runtime posted back. */
  invoke(event: unknown, options: { timeoutMs?: number; id?: string } = {}): Promise<Settled> {
    if (this.initError) return Promise.reject(new Error(`init error: ${this.initError.toString()}`));
    if (this.#gone) return Promise.reject(this.#gone);
    return new Promise((settle, fail) => {
      const id = options.id ?? `ric-${++this.#n}`;
      this.#queue.push({ id, event, deadlineMs: Date.now() + (options.timeoutMs ?? 30_000), settle, fail });
      this.#dispatch();
    });
  }

  #gone: Error | undefined;

  /** The runtime went away: every queued or running invocation fails with `error`. */
  failAll(error: Error): void {
    this.#gone = error;
    for (const invocation of this.#queue.splice(0)) invocation.fail(error);
    for (const invocation of this.#open.values()) invocation.fail(error);
    this.#open.clear();
  }

  async close(): Promise<void> {
    for (const res of this.#waiting) res.destroy();
    for (const invocation of [...this.#queue, ...this.#open.values()]) invocation.fail(new Error("the runtime API closed"));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && this.#waiting.length > 0) {
      const invocation = this.#queue.shift()!;
      const res = this.#waiting.shift()!;
      if (res.destroyed) {
        this.#queue.unshift(invocation);
        continue;
      }
      this.#open.set(invocation.id, invocation);
      const body = JSON.stringify(invocation.event);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "lambda-runtime-aws-request-id": invocation.id,
        "lambda-runtime-deadline-ms": String(invocation.deadlineMs),
        "lambda-runtime-invoked-function-arn": "arn:aws:lambda:us-east-1:123456789012:function:jobwrap-test",
        "lambda-runtime-trace-id": "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c;Parent=53995c3f42cd8ad8;Sampled=0",
      });
      res.end(body);
    }
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "";
    if (req.method === "GET" && url === "/2018-06-01/runtime/invocation/next") {
      this.#waiting.push(res);
      this.#dispatch();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const done = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (req.method === "POST" && done) {
        const invocation = this.#open.get(decodeURIComponent(done[1]!));
        if (!invocation) {
          res.writeHead(400, { "content-type": "application/json" }).end('{"errorType":"InvalidRequestID"}');
          return;
        }
        this.#open.delete(invocation.id);
        invocation.settle({
          kind: done[2] as "response" | "error",
          body,
          headers: req.headers,
          trailers: req.trailers,
          chunks,
        });
        res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
        return;
      }
      if (req.method === "POST" && url === "/2018-06-01/runtime/init/error") {
        this.initError = body;
        for (const invocation of this.#queue.splice(0)) invocation.fail(new Error(`init error: ${body.toString()}`));
        res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
        return;
      }
      res.writeHead(404).end();
    });
  }
}

/** A streamed HTTP response's parts: the prelude (status, headers, cookies), eight NUL bytes, the body. */
export function splitStreamed(body: Buffer): { prelude: { statusCode: number; headers?: Record<string, string>; cookies?: string[] }; body: Buffer } {
  const end = body.indexOf(Buffer.alloc(8));
  if (end < 0) throw new Error(`no prelude delimiter in ${JSON.stringify(body.toString())}`);
  return { prelude: JSON.parse(body.subarray(0, end).toString()), body: body.subarray(end + 8) };
}
