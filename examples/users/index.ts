import * as v from "valibot";
import { HttpError, job, routes, type Context } from "jobwrap";
import { keyValueStore, memoryStore, type KeyValue, type UserStore } from "./store.js";

export const UserName = v.pipe(
  v.string(),
  v.minLength(3, "a name has at least 3 letters"),
  v.maxLength(40, "a name has at most 40 letters"),
  v.regex(/^[a-zA-Z]*$/, "a name has only the letters a to z and A to Z"),
);

export const User = v.object({ name: UserName });

const fallback = memoryStore();

/** The store for this platform: the `USERS` KV namespace where bound (Workers), else memory. */
export function users(ctx: Pick<Context, "env">): UserStore {
  const kv = (ctx.env as { USERS?: KeyValue }).USERS;
  return kv && typeof kv.get === "function" ? keyValueStore(kv) : fallback;
}

export const userCreate = job({ body: User }, async ({ body }, ctx) => {
  if (!(await users(ctx).create(body))) throw new HttpError(409, `a user named ${body.name} exists already`);
  return { status: 201, body };
});

export const userGet = job({ params: v.object({ name: UserName }) }, async ({ params }, ctx) => {
  const user = await users(ctx).get(params.name);
  if (!user) throw new HttpError(404, `no user named ${params.name}`);
  return { body: user };
});

export const api = routes({
  "POST /user": userCreate,
  "GET /user/:name": userGet,
});
