// The users example's user jobs and the store they use: a module of their own, so that an
// entry serving only these (the bench's two-route Worker) bundles none of the avatar routes.
import * as v from "valibot";
import { HttpError, job, type Context } from "jobwrap";
import { User, UserName } from "./schema.js";
import { keyValueStore, memoryStore, sqlDatabaseStore, type KeyValue, type SqlDatabase, type UserStore } from "./store.js";

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

export interface Bindings {
  USERS?: KeyValue;
  DB?: SqlDatabase;
}

/**
 * A store chosen once per environment: what `bound` makes of the bindings (Workers), else the one
 * in memory. Once, because bindings do not change, and on Node and Lambda `env` is `process.env`,
 * whose every read is a lookup of the process environment.
 */
export function perEnvironment<T>(bound: (env: Bindings) => T | undefined, inMemory: T): (ctx: Pick<Context, "env">) => T {
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

export const isKeyValue = (kv: KeyValue | undefined): kv is KeyValue => typeof kv?.get === "function";

const boundUsers = perEnvironment<UserStore>(
  ({ DB: db, USERS: kv }) => (typeof db?.prepare === "function" ? sqlDatabaseStore(db) : isKeyValue(kv) ? keyValueStore(kv) : undefined),
  fallback,
);

/** The users store for this platform: the entry's choice, else the `DB` D1 database or the `USERS` KV namespace where bound (Workers), else memory. */
export const users = (ctx: Pick<Context, "env">): UserStore => chosen ?? boundUsers(ctx);

export const userCreate = job({ body: User, responses: { 201: User, 409: null } }, async ({ body }, ctx) => {
  if (!(await users(ctx).create(body, ctx))) throw new HttpError(409, `a user named ${body.name} exists already`);
  return { status: 201, body };
});

export const userGet = job({ params: v.object({ name: UserName }), responses: { 200: User, 404: null } }, async ({ params }, ctx) => {
  const user = await users(ctx).get(params.name, ctx);
  if (!user) throw new HttpError(404, `no user named ${params.name}`);
  return { body: user };
});
