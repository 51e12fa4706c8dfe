// The users example's avatar routes on the real Node server, called by the typed client: a
// multipart upload with a bearer token, read back; and the CORS the example's web origin gets.
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookie, job, routes } from "jobwrap";
import { client } from "jobwrap/client";
import { serve, type Served } from "jobwrap/node";
import { api } from "../../examples/users/index.js";

const webOrigin = "https://web.example.test";
// A 1×1 PNG.
const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));

describe("users example: avatars behind a bearer token, CORS for its web origin", () => {
  let served: Served;
  let base: string;
  const saved = { token: process.env.USERS_TOKEN, origin: process.env.USERS_WEB_ORIGIN };

  beforeAll(async () => {
    process.env.USERS_TOKEN = "s3cret-token";
    process.env.USERS_WEB_ORIGIN = `http://localhost:1, ${webOrigin}`;
    served = serve(api, { port: 0, host: "127.0.0.1", signals: [], log: false });
    base = (await served.ready).url;
  });
  afterAll(async () => {
    await served.drain();
    for (const [name, value] of [["USERS_TOKEN", saved.token], ["USERS_WEB_ORIGIN", saved.origin]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("uploads an avatar as multipart with the token (204), and gives it back as it was", async () => {
    const users = client<typeof api>(base, { headers: { authorization: "Bearer s3cret-token" } });
    expect((await users["POST /user"]({ body: { name: "Avery" } })).status).toBe(201);
    const put = await users["PUT /user/:name/avatar"]({ params: { name: "Avery" }, body: { avatar: new File([png], "me.png", { type: "image/png" }) } });
    expect(put).toMatchObject({ ok: true, status: 204 });
    const got = await users["GET /user/:name/avatar"]({ params: { name: "Avery" } });
    expect(got.ok && got.headers.get("content-type")).toBe("image/png");
    expect(got.ok && [...(got.body as Uint8Array)]).toEqual([...png]);
  });

  it("refuses without the token or with another: 401 problem", async () => {
    const anonymous = client<typeof api>(base);
    const none = await anonymous["GET /user/:name/avatar"]({ params: { name: "Avery" } });
    expect(none).toMatchObject({ ok: false, status: 401, problem: { title: "Unauthorized", detail: "A bearer token is required" } });
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    const wrong = await client<typeof api>(base, { headers: { authorization: "Bearer s3cret-tokex" } })["GET /user/:name/avatar"]({ params: { name: "Avery" } });
    expect(wrong).toMatchObject({ ok: false, status: 401, problem: { detail: "The bearer token is not valid" } });
  });

  it("refuses what is not an image (400 at /body/avatar) and an image over 1 MiB (413)", async () => {
    const users = client<typeof api>(base, { headers: { authorization: "Bearer s3cret-token" } });
    const text = await users["PUT /user/:name/avatar"]({ params: { name: "Avery" }, body: { avatar: new File(["hello"], "a.txt", { type: "text/plain" }) } });
    expect(text).toMatchObject({ ok: false, status: 400, problem: { errors: [{ pointer: "/body/avatar", detail: "the avatar is a PNG, JPEG, GIF or WebP image" }] } });
    const huge = new File([new Uint8Array(1024 * 1024 + 1)], "big.png", { type: "image/png" });
    const big = await users["PUT /user/:name/avatar"]({ params: { name: "Avery" }, body: { avatar: huge } });
    expect(big).toMatchObject({ ok: false, status: 413, problem: { detail: "A file is larger than the limit of 1048576 bytes" } });
    const missing = await users["PUT /user/:name/avatar"]({ params: { name: "Nobody" }, body: { avatar: new File([png], "me.png", { type: "image/png" }) } });
    expect(missing).toMatchObject({ ok: false, status: 404 });
  });

  it("answers a preflight from USERS_WEB_ORIGIN, refuses another origin's, and decorates answers", async () => {
    const preflight = (origin: string) =>
      fetch(`${base}/user/Avery/avatar`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "PUT", "access-control-request-headers": "authorization" },
      });
    const allowed = await preflight(webOrigin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(webOrigin);
    expect(allowed.headers.get("access-control-allow-headers")).toBe("content-type, authorization");
    expect((await preflight("https://elsewhere.test")).status).toBe(403);
    const read = await fetch(`${base}/user/Avery`, { headers: { origin: webOrigin } });
    expect(read.headers.get("access-control-allow-origin")).toBe(webOrigin);
    expect(read.headers.get("vary")).toBe("Origin");
    expect(await read.json()).toEqual({ name: "Avery" });
  });
});

describe("the client sends cookies the job's spec names", () => {
  const app = routes({
    "GET /who": job({ cookies: v.object({ sid: v.string(), lang: v.optional(v.string()) }) }, ({ cookies }) => ({
      headers: { "set-cookie": cookie("seen", "yes", { path: "/" }) },
      body: cookies,
    })),
  });
  let served: Served;
  beforeAll(() => void (served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false })));
  afterAll(() => served.drain());

  it("as one Cookie header, each value encoded as the server decodes it", async () => {
    const remote = client<typeof app>((await served.ready).url);
    const got = await remote["GET /who"]({ cookies: { sid: "a b;c", lang: "fr" } });
    expect(got).toMatchObject({ ok: true, body: { sid: "a b;c", lang: "fr" } });
    expect(got.headers.getSetCookie()).toEqual(["seen=yes; Path=/"]);
  });
});
