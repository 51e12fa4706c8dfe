import * as v from "valibot";
import { HttpError, job, routes, type Context } from "jobwrap";
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

/**
 * Chosen once per environment: its bindings do not change, and on Node and Lambda `env` is
 * `process.env`, whose every read is a lookup of the process environment.
 */
const stores = new WeakMap<object, UserStore>();

/** The store for this platform: the entry's choice, else the `DB` D1 database or the `USERS` KV namespace where bound (Workers), else memory. */
export function users(ctx: Pick<Context, "env">): UserStore {
  if (chosen) return chosen;
  const env = ctx.env as { USERS?: KeyValue; DB?: SqlDatabase };
  let store = stores.get(env);
  if (!store) {
    const { DB: db, USERS: kv } = env;
    if (db && typeof db.prepare === "function") store = sqlDatabaseStore(db);
    else store = kv && typeof kv.get === "function" ? keyValueStore(kv) : fallback;
    stores.set(env, store);
  }
  return store;
}

export const userCreate = job({ body: User, responses: { 201: User, 409: null } }, async ({ body }, ctx) => {
  if (!(await users(ctx).create(body, ctx.signal))) throw new HttpError(409, `a user named ${body.name} exists already`);
  return { status: 201, body };
});

export const userGet = job({ params: v.object({ name: UserName }), responses: { 200: User, 404: null } }, async ({ params }, ctx) => {
  const user = await users(ctx).get(params.name, ctx.signal);
  if (!user) throw new HttpError(404, `no user named ${params.name}`);
  return { body: user };
});

export const api = routes({
  "POST /user": userCreate,
  "GET /user/:name": userGet,
});
