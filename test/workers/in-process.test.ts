// jobwrap/workers' fetch handler called in this process with web Requests, as workerd calls it:
// the contract, and what only a Worker has (its bindings' LOG_LEVEL, cf-ray, CF-Connecting-IP,
// waitUntil on the ExecutionContext, the request's signal, Workers Logs' console methods). A
// complement to the workerd runs in contract.test.ts, whose code runs in another runtime.
import * as v from "valibot";
import { afterEach, describe, expect, it, vi } from "vitest";
import { job, routes, type LogEntry } from "jobwrap";
import { raw, wrap, type WorkersExecutionContext } from "jobwrap/workers";
import { contractApp } from "../contract/app.js";
import { runContract } from "../contract/run.js";
import { clientAddress, type ContractRequest, type ContractResponse } from "../contract/table.js";

/** An ExecutionContext whose waitUntil, like workerd's, throws when called detached from it. */
function executionContext(): WorkersExecutionContext & { waited: Promise<unknown>[] } {
  const waited: Promise<unknown>[] = [];
  return {
    waited,
    waitUntil(this: unknown, promise: Promise<unknown>) {
      if (!(this as { waited?: unknown } | undefined)?.waited) throw new TypeError("Illegal invocation");
      waited.push(promise);
    },
  };
}

/** The answer as a client reads it: lower-case names, a repeated header kept repeated, the body's bytes. */
async function read(response: Response): Promise<ContractResponse> {
  const headers: Record<string, string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") (headers[name] ??= []).push(value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  let body: Uint8Array;
  try {
    body = new Uint8Array(await response.arrayBuffer());
  } catch {
    // A stream that fails after the headers: the client sees the body cut short.
    body = new Uint8Array();
  }
  return { status: response.status, headers, body };
}

/** The request as Cloudflare's edge hands it to the Worker: with the client's address in CF-Connecting-IP. */
function requestOf(request: ContractRequest): Request {
  const headers = new Headers(request.headers);
  headers.set("cf-connecting-ip", clientAddress);
  return new Request(`https://worker.test${request.path}`, {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : typeof request.body === "string" ? request.body : new Uint8Array(request.body),
  });
}

describe("the contract through jobwrap/workers' fetch handler, in process", () => {
  const worker = wrap(contractApp, { log: false });
  runContract({ platform: "workers" }, () => async (request) => read(await worker.fetch(requestOf(request), {}, executionContext())));
});

const said: { level: string; fields: Record<string, unknown> }[] = [];
const leveled = routes({
  "GET /say": job({}, (_input, ctx) => {
    ctx.log.debug("a debug line", { n: 1 });
    ctx.log.info("an info line");
    ctx.log.warn("a warning line");
    ctx.log.error("an error line");
    return { body: "said" };
  }),
});

/** Every console method a Worker's line could go through, each line parsed as the JSON Workers Logs indexes. */
function captureConsole(): void {
  said.length = 0;
  for (const level of ["log", "debug", "info", "warn", "error"] as const) {
    vi.spyOn(console, level).mockImplementation((line: unknown) => void said.push({ level, fields: JSON.parse(String(line)) as Record<string, unknown> }));
  }
}

const say = (env: object | undefined, headers: Record<string, string> = {}) =>
  wrap<object | undefined>(leveled).fetch(new Request("https://worker.test/say", { headers }), env, executionContext());

describe("jobwrap/workers' log lines", () => {
  afterEach(() => vi.restoreAllMocks());

  it("writes each record as one JSON line through the console method of its level, never console.log", async () => {
    captureConsole();
    const answer = await wrap(leveled, { logLevel: "debug" }).fetch(
      new Request("https://worker.test/say", { headers: { "cf-ray": "8f1e2d3c4b5a6978-LHR" } }),
      {},
      executionContext(),
    );
    expect(await answer.text()).toBe("said");
    expect(said.map(({ level, fields }) => [level, fields.severity, fields.message])).toEqual([
      ["debug", "DEBUG", "a debug line"],
      ["info", "INFO", "an info line"],
      ["warn", "WARNING", "a warning line"],
      ["error", "ERROR", "an error line"],
      ["info", "INFO", "GET /say 200"],
    ]);
    expect(said[0]!.fields).toMatchObject({ n: 1, requestId: "8f1e2d3c4b5a6978-LHR" });
    expect(said[4]!.fields).toMatchObject({ method: "GET", path: "/say", status: 200, requestId: "8f1e2d3c4b5a6978-LHR", platform: "workers" });
  });

  it("takes the least level from the Worker's LOG_LEVEL binding, read on the first request", async () => {
    captureConsole();
    await say({ LOG_LEVEL: "warn" });
    expect(said.map(({ fields }) => fields.severity)).toEqual(["WARNING", "ERROR"]);
  });

  it("reads the binding once: the bindings of a deployment do not change between requests", async () => {
    captureConsole();
    const worker = wrap(leveled);
    await worker.fetch(new Request("https://worker.test/say"), { LOG_LEVEL: "error" }, executionContext());
    await worker.fetch(new Request("https://worker.test/say"), { LOG_LEVEL: "debug" }, executionContext());
    expect(said.map(({ fields }) => fields.severity)).toEqual(["ERROR", "ERROR"]);
  });

  it("logs at info without a LOG_LEVEL binding, or with one that is not text", async () => {
    for (const env of [{}, { LOG_LEVEL: 0 }, undefined]) {
      captureConsole();
      await say(env);
      expect(said.map(({ fields }) => fields.severity)).toEqual(["INFO", "WARNING", "ERROR", "INFO"]);
    }
  });

  it("the app's logLevel wins over the binding", async () => {
    captureConsole();
    await wrap(leveled, { logLevel: "error" }).fetch(new Request("https://worker.test/say"), { LOG_LEVEL: "debug" }, executionContext());
    expect(said.map(({ fields }) => fields.severity)).toEqual(["ERROR"]);
  });
});

describe("what a job sees of the Worker", () => {
  it("the request id from cf-ray, else the client's x-request-id", async () => {
    const worker = wrap(routes({ "GET /id": job({}, (_input, ctx) => ({ body: ctx.requestId })) }), { log: false });
    const fromRay = await worker.fetch(new Request("https://worker.test/id", { headers: { "cf-ray": "8f1e-LHR", "x-request-id": "mine" } }), {}, executionContext());
    expect([await fromRay.text(), fromRay.headers.get("x-request-id")]).toEqual(["8f1e-LHR", "8f1e-LHR"]);
    const fromClient = await worker.fetch(new Request("https://worker.test/id", { headers: { "x-request-id": "mine" } }), {}, executionContext());
    expect([await fromClient.text(), fromClient.headers.get("x-request-id")]).toEqual(["mine", "mine"]);
  });

  it("the client's address from CF-Connecting-IP; behind a trusted proxy, the address it forwarded before Cloudflare's", async () => {
    const ip = job({}, (_input, ctx) => ({ body: { ip: ctx.clientIp ?? null } }));
    const worker = wrap(routes({ "GET /ip": ip, "GET /proxied": job({}, (_input, ctx) => ({ body: { ip: ctx.clientIp ?? null } }), { trustedProxies: 1 }) }), { log: false });
    const headers = { "cf-connecting-ip": "203.0.113.9", "x-forwarded-for": "198.51.100.7, 203.0.113.9" };
    const ask = async (path: string, sent: Record<string, string>) =>
      ((await (await worker.fetch(new Request(`https://worker.test${path}`, { headers: sent }), {}, executionContext())).json()) as { ip: string | null }).ip;
    expect(await ask("/ip", headers)).toBe("203.0.113.9");
    expect(await ask("/proxied", headers)).toBe("198.51.100.7");
    expect(await ask("/ip", { "x-forwarded-for": "198.51.100.7" })).toBeNull();
  });

  it("ctx.waitUntil hands the promise to the ExecutionContext, called on it", async () => {
    const later = Promise.resolve("done later");
    const worker = wrap(routes({ "POST /later": job({}, (_input, ctx) => (ctx.waitUntil(later), { status: 202 })) }), { log: false });
    const context = executionContext();
    const answer = await worker.fetch(new Request("https://worker.test/later", { method: "POST" }), {}, context);
    expect(answer.status).toBe(202);
    expect(context.waited).toEqual([later]);
  });

  it("ctx.signal aborts when the request's own signal does (the client went away)", async () => {
    let seen: unknown;
    const worker = wrap(
      routes({
        "GET /wait": job({}, async (_input, ctx) => {
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
          seen = ctx.signal.aborted;
          return {};
        }),
      }),
      { log: false },
    );
    const client = new AbortController();
    const answer = worker.fetch(new Request("https://worker.test/wait", { signal: client.signal }), {}, executionContext());
    client.abort();
    await answer;
    expect(seen).toBe(true);
  });

  it("raw(ctx): the Request, the bindings and the ExecutionContext; undefined on another platform", async () => {
    const env = { USERS: "a KV namespace" };
    const context = executionContext();
    let seen: ReturnType<typeof raw<typeof env>>;
    const worker = wrap(routes({ "GET /raw": job({}, (_input, ctx) => ((seen = raw<typeof env>(ctx)), {})) }), { log: false });
    const request = new Request("https://worker.test/raw");
    await worker.fetch(request, env, context);
    expect(seen!.request).toBe(request);
    expect(seen!.env).toBe(env);
    expect(seen!.ctx).toBe(context);
    expect(raw({ platform: "node", raw: { request } })).toBeUndefined();
  });

  it("ctx.env is the Worker's bindings", async () => {
    const env = { GREETING: "hello" };
    const worker = wrap(routes({ "GET /env": job({}, (_input, ctx) => ({ body: (ctx.env as typeof env).GREETING })) }), { log: false });
    expect(await (await worker.fetch(new Request("https://worker.test/env"), env, executionContext())).text()).toBe("hello");
  });

  it("joins Cookie lines that workerd joined with a comma back with `; `; a lone cookie stays as sent", async () => {
    const worker = wrap(routes({ "GET /c": job({ jar: (req) => req.headers["cookie"] ?? null }, ({ jar }) => ({ body: { cookies: jar } })) }), { log: false });
    const cookies = async (cookie: string) =>
      ((await (await worker.fetch(new Request("https://worker.test/c", { headers: { cookie } }), {}, executionContext())).json()) as { cookies: string }).cookies;
    expect(await cookies("a=1, b=2,c=3")).toBe("a=1; b=2; c=3");
    expect(await cookies("theme=dark")).toBe("theme=dark");
    // A comma not followed by a cookie's name is not a join.
    expect(await cookies("list=x, y")).toBe("list=x, y");
  });

  it("reads other repeated headers as the Request joined them", async () => {
    const worker = wrap(routes({ "GET /h": job({ accept: (req) => req.headers["accept"] ?? null }, ({ accept }) => ({ body: { accept } })) }), { log: false });
    const headers = new Headers();
    headers.append("accept", "text/html");
    headers.append("accept", "application/json, text/plain");
    const answer = await worker.fetch(new Request("https://worker.test/h", { headers }), {}, executionContext());
    expect(await answer.json()).toEqual({ accept: "text/html, application/json, text/plain" });
  });

  it("joins only Cookie lines with `; `: another header's `, name=` stays as sent", async () => {
    const worker = wrap(routes({ "GET /h": job({ list: (req) => req.headers["x-list"] ?? null }, ({ list }) => ({ body: { list } })) }), { log: false });
    const answer = await worker.fetch(new Request("https://worker.test/h", { headers: { "x-list": "a=1, b=2" } }), {}, executionContext());
    expect(await answer.json()).toEqual({ list: "a=1, b=2" });
  });

  it("a header named __proto__ is a header like any other", async () => {
    const worker = wrap(routes({ "GET /p": job({ proto: (req) => Object.hasOwn(req.headers, "__proto__") ? req.headers["__proto__"] : null }, ({ proto }) => ({ body: { proto } })) }), { log: false });
    const answer = await worker.fetch(new Request("https://worker.test/p", { headers: [["__proto__", "kept"]] }), {}, executionContext());
    expect(await answer.json()).toEqual({ proto: "kept" });
  });
});

describe("a streamed body against the body limit (no Content-Length)", () => {
  /** A Request whose body comes as these chunks, with no Content-Length. */
  const streamed = (chunks: string[]) =>
    new Request("https://worker.test/echo", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);

  it("exactly at the limit, in chunks: read whole; one byte past it: 413", async () => {
    const worker = wrap(job({ body: v.string() }, ({ body }) => ({ body }), { accept: "text", bodyLimit: 5 }), { log: false });
    const at = await worker.fetch(streamed(["12", "3", "45"]), {}, executionContext());
    expect([at.status, await at.text()]).toEqual([200, "12345"]);
    const one = await worker.fetch(streamed(["12345"]), {}, executionContext());
    expect([one.status, await one.text()]).toEqual([200, "12345"]);
    const past = await worker.fetch(streamed(["123", "456"]), {}, executionContext());
    expect(past.status).toBe(413);
  });
});
