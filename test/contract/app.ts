/**
 * The contract app: the users example plus one route per seam the contract checks.
 * Platform-free, so every adapter's test serves this same table on its own runtime.
 */
import * as v from "valibot";
import { authorizerClaims, cookie, cors, HttpError, job, multipart, routes } from "jobwrap";
import { userCreate, userGet } from "../../examples/users/index.js";

/** Thrown by /boom; it must never reach a response body. */
export const secretMessage = "db password is hunter2";

const bearer = (req: { headers: Readonly<Record<string, string | undefined>> }) => {
  const auth = req.headers["authorization"];
  if (!auth?.startsWith("Bearer ")) throw new HttpError(401, "a bearer token is required", { headers: { "www-authenticate": "Bearer" } });
  return auth.slice(7);
};

/** The one web origin the contract app lets call it from a browser. */
export const webOrigin = "https://app.example.com";

export const contractApp = routes({
  "POST /user": userCreate,
  "GET /user/:name": userGet,
  "GET /echo/query": job({ query: v.record(v.string(), v.union([v.string(), v.array(v.string())])) }, ({ query }) => ({
    body: query,
  })),
  "GET /search": job(
    { query: v.object({ limit: v.pipe(v.string(), v.digits("limit is a whole number")), q: v.optional(v.string()) }) },
    ({ query }) => ({ body: { limit: Number(query.limit), q: query.q ?? null } }),
  ),
  "GET /echo/headers": job({ headers: v.object({ "x-api-key": v.pipe(v.string(), v.minLength(8)), cookie: v.optional(v.string()) }) }, ({ headers }) => ({
    body: { key: headers["x-api-key"], cookie: headers.cookie ?? null },
  })),
  "POST /echo/json": job({ body: v.looseObject({}) }, ({ body }) => ({ body })),
  "POST /echo/form": job({ body: v.record(v.string(), v.union([v.string(), v.array(v.string())])) }, ({ body }) => ({ body }), {
    accept: "form",
  }),
  "POST /echo/text": job({ body: v.string() }, ({ body }) => ({ body: `${body.length}:${body}` }), { accept: "text" }),
  "POST /echo/bytes": job({ body: v.instance(Uint8Array) }, ({ body }) => ({ body }), { accept: "bytes" }),
  "POST /small": job({ body: v.looseObject({}) }, () => ({ status: 202 }), { bodyLimit: 64 }),
  "GET /me": job({ token: bearer }, ({ token }) => ({ body: { token } })),
  "GET /tenant": job(
    {
      tenant: (req) => {
        const host = req.headers["x-tenant"];
        if (!host) throw new Error("internal: tenant lookup failed in shard 7");
        return host;
      },
    },
    ({ tenant }) => ({ body: { tenant } }),
  ),
  "GET /teapot": job({}, () => {
    throw new HttpError(418, "short and stout", { headers: { "retry-after": "120" } });
  }),
  "GET /boom": job({}, () => {
    throw new Error(secretMessage);
  }),
  "GET /boom-string": job({}, () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw "a bare string";
  }),
  "GET /unencodable": job({}, () => ({ body: () => secretMessage })),
  "GET /slow": job({}, async (_input, ctx) => {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, 5_000);
      ctx.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(ctx.signal.reason);
      });
    });
    return { body: "too late" };
  }, { timeout: 100 }),
  "GET /cookies": job({}, () => ({
    headers: { "set-cookie": ["a=1; Path=/; HttpOnly", "b=2; Path=/; Secure"], "x-multi": "one" },
    body: { ok: true },
  })),
  "GET /cookie/read": job(
    { cookies: v.object({ session: v.pipe(v.string(), v.minLength(3, "a session id has at least 3 characters")), theme: v.optional(v.string()) }) },
    ({ cookies }) => ({ body: { session: cookies.session, theme: cookies.theme ?? null } }),
  ),
  "POST /cookie/set": job({}, () => ({
    headers: { "set-cookie": cookie("sid", "a b;c", { httpOnly: true, secure: true, sameSite: "Strict", maxAge: 3600, path: "/", domain: "example.com" }) },
  })),
  "POST /cookie/swap": job({}, () => ({
    headers: { "set-cookie": [cookie("sid", "new", { path: "/", httpOnly: true }), cookie("old", "", { path: "/", maxAge: 0, expires: new Date(0) })] },
    body: { swapped: true },
  })),
  "POST /upload": job(
    { body: v.object({ title: v.string(), tags: v.string(), doc: v.pipe(v.file(), v.mimeType(["application/octet-stream", "text/plain"])) }) },
    async ({ body }) => ({
      status: 201,
      body: { title: body.title, tags: body.tags, doc: { name: body.doc.name, type: body.doc.type, size: body.doc.size, bytes: [...new Uint8Array(await body.doc.arrayBuffer())] } },
    }),
    { accept: multipart({ fileSize: 64, files: 1 }) },
  ),
  "GET /text": job({}, () => ({ body: "héllo wörld" })),
  "GET /bytes": job({}, () => ({ body: new Uint8Array([0, 1, 2, 253, 254, 255]) })),
  "GET /stream": job({}, () => ({
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder();
        for (const part of ["one ", "two ", "three"]) controller.enqueue(encoder.encode(part));
        controller.close();
      },
    }),
  })),
  "GET /framing": job({}, () => ({
    headers: { "Content-Length": "999", "transfer-encoding": "chunked", connection: "upgrade", "x-kept": "yes" },
    body: "ok",
  })),
  "GET /stream-strings": job({}, () => ({
    body: new ReadableStream<string>({
      start(controller) {
        for (const part of ["héllo ", "wörld"]) controller.enqueue(part);
        controller.close();
      },
    }) as unknown as ReadableStream<Uint8Array>,
  })),
  "GET /stream-fails-at-once": job({}, () => ({
    body: new ReadableStream<Uint8Array>({
      pull() {
        throw new Error(secretMessage);
      },
    }),
  })),
  "GET /stream-not-bytes": job({}, () => ({
    body: new ReadableStream<unknown>({
      start(controller) {
        controller.enqueue({ secret: secretMessage });
        controller.close();
      },
    }) as ReadableStream<Uint8Array>,
  })),
  // Its first chunk never comes: nothing has been sent when the deadline passes.
  "GET /stream-silent": job({}, () => ({ body: new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) }) }), { timeout: 100 }),
  "GET /unsafe-problem-header": job({}, () => {
    throw new HttpError(401, "who are you", { headers: { "www-authenticate": "Bearer\r\nx-injected: 1" } });
  }),
  // A value HTTP/1.1 cannot carry (past Latin-1): core passes it, the platform's writer refuses it.
  "GET /unsendable-header": job({}, () => ({ headers: { "x-mark": "\u2713" }, body: "never sent" })),
  "GET /empty": job({}, () => ({})),
  "PUT /status": job({}, () => ({ status: 202, body: { accepted: true } })),
  "GET /ip": job({}, (_input, ctx) => ({ body: { ip: ctx.clientIp ?? null } })),
  "GET /ip/proxied": job({}, (_input, ctx) => ({ body: { ip: ctx.clientIp ?? null } }), { trustedProxies: 1 }),
  "GET /claims": job({ caller: authorizerClaims(v.object({ sub: v.string() })) }, ({ caller }) => ({ body: { sub: caller.sub } })),
  "GET /context": job({}, (_input, ctx) => ({
    body: { platform: ctx.platform, requestId: ctx.requestId, hasSignal: ctx.signal instanceof AbortSignal },
  })),
}, { cors: cors({ origin: [webOrigin], credentials: true, allowHeaders: ["content-type", "authorization"], maxAge: 600 }) });
