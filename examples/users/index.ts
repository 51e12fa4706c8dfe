import * as v from "valibot";
import { bearer, cors, HttpError, job, multipart, routes, use, type Context } from "jobwrap";
import { keyValueAvatars, memoryAvatars, type AvatarStore } from "./avatars.js";
import { User, UserName } from "./schema.js";
import { keyValueStore, memoryStore, sqlDatabaseStore, type KeyValue, type SqlDatabase, type UserStore } from "./store.js";

export { User, UserName };

const fallback = memoryStore();
let chosen: UserStore | undefined;

/**
 * The store every request of this process uses, chosen by the entry that serves the jobs
 * (PostgreSQL on the Node server, DynamoDB on Lambda, Firestore on Cloud Functions). A store
 * opens its connections on its first call, so choosing one at start-up costs nothing.
 */
export function useStore(store: UserStore): void {
  chosen = store;
}

interface Bindings {
  USERS?: KeyValue;
  DB?: SqlDatabase;
}

/**
 * A store chosen once per environment: what `bound` makes of the bindings (Workers), else the one
 * in memory. Once, because bindings do not change, and on Node and Lambda `env` is `process.env`,
 * whose every read is a lookup of the process environment.
 */
function perEnvironment<T>(bound: (env: Bindings) => T | undefined, inMemory: T): (ctx: Pick<Context, "env">) => T {
  const made = new WeakMap<object, T>();
  return (ctx) => {
    const env = ctx.env as Bindings;
    let store = made.get(env);
    if (!store) {
      store = bound(env) ?? inMemory;
      made.set(env, store);
    }
    return store;
  };
}

const isKeyValue = (kv: KeyValue | undefined): kv is KeyValue => typeof kv?.get === "function";

const boundUsers = perEnvironment<UserStore>(
  ({ DB: db, USERS: kv }) => (typeof db?.prepare === "function" ? sqlDatabaseStore(db) : isKeyValue(kv) ? keyValueStore(kv) : undefined),
  fallback,
);

/** The users store for this platform: the entry's choice, else the `DB` D1 database or the `USERS` KV namespace where bound (Workers), else memory. */
export const users = (ctx: Pick<Context, "env">): UserStore => chosen ?? boundUsers(ctx);
/** The avatars, kept beside the users: in the `USERS` KV namespace where bound, else in memory. */
const avatars: (ctx: Pick<Context, "env">) => AvatarStore = perEnvironment(({ USERS: kv }) => (isKeyValue(kv) ? keyValueAvatars(kv) : undefined), memoryAvatars());

export const userCreate = job({ body: User, responses: { 201: User, 409: null } }, async ({ body }, ctx) => {
  if (!(await users(ctx).create(body, ctx))) throw new HttpError(409, `a user named ${body.name} exists already`);
  return { status: 201, body };
});

export const userGet = job({ params: v.object({ name: UserName }), responses: { 200: User, 404: null } }, async ({ params }, ctx) => {
  const user = await users(ctx).get(params.name, ctx);
  if (!user) throw new HttpError(404, `no user named ${params.name}`);
  return { body: user };
});

/** What the deployment sets: the bearer token of the avatar routes, and the web app's origin(s). */
interface UsersEnv {
  USERS_TOKEN?: string;
  /** Comma-separated origins whose pages may call the service from a browser. */
  USERS_WEB_ORIGIN?: string;
}

/** Same time whatever the token, so its bytes cannot be guessed one by one from how long a refusal takes. */
function sameToken(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < given.length; i++) diff |= given.charCodeAt(i) ^ expected.charCodeAt(i % (expected.length || 1));
  return diff === 0;
}

/** The avatar routes' check: the bearer token must be `USERS_TOKEN`; with none set, every token is refused. */
const authed = use({
  token: bearer((token, ctx) => {
    const expected = (ctx.env as UsersEnv).USERS_TOKEN;
    return expected !== undefined && expected !== "" && sameToken(token, expected) ? token : undefined;
  }),
});

const avatarLimit = 1024 * 1024;
const imageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

export const avatarPut = authed.job(
  {
    params: v.object({ name: UserName }),
    body: v.object({ avatar: v.pipe(v.file("the avatar is a file"), v.mimeType(imageTypes, "the avatar is a PNG, JPEG, GIF or WebP image")) }),
    responses: { 204: null, 404: null },
  },
  async ({ params, body }, ctx) => {
    if (!(await users(ctx).get(params.name, ctx))) throw new HttpError(404, `no user named ${params.name}`);
    await avatars(ctx).put(params.name, { type: body.avatar.type, bytes: new Uint8Array(await body.avatar.arrayBuffer()) });
    return { status: 204 };
  },
  // The form's own boundaries and headers come on top of the file: a little room over its limit.
  { accept: multipart({ fileSize: avatarLimit, files: 1 }), bodyLimit: avatarLimit + 16 * 1024, summary: "Sets a user's avatar (an image of at most 1 MiB)" },
);

export const avatarGet = authed.job(
  { params: v.object({ name: UserName }), responses: { 200: v.instance(Uint8Array), 404: null } },
  async ({ params }, ctx) => {
    const avatar = await avatars(ctx).get(params.name);
    if (!avatar) throw new HttpError(404, `${params.name} has no avatar`);
    return { headers: { "content-type": avatar.type }, body: avatar.bytes };
  },
  { summary: "A user's avatar, as it was uploaded" },
);

/** The web app's origins (`USERS_WEB_ORIGIN`, comma-separated), read from each platform's env. */
const webOrigin = (origin: string, env: unknown) =>
  ((env as UsersEnv).USERS_WEB_ORIGIN ?? "").split(",").some((allowed) => allowed.trim() === origin);

export const api = routes(
  {
    "POST /user": userCreate,
    "GET /user/:name": userGet,
    "PUT /user/:name/avatar": avatarPut,
    "GET /user/:name/avatar": avatarGet,
  },
  // Credentials: the web app's own cookies may ride along, as a session would need.
  { cors: cors({ origin: webOrigin, credentials: true, allowHeaders: ["content-type", "authorization"] }) },
);
