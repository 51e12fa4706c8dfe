import * as v from "valibot";
import { HttpError, job, routes, type Context } from "jobwrap";
import { User, UserName } from "./schema.js";
import { keyValueStore, memoryStore, type KeyValue, type UserStore } from "./store.js";

export { User, UserName };

const fallback = memoryStore();

/** The store for this platform: the `USERS` KV namespace where bound (Workers), else memory. */
export function users(ctx: Pick<Context, "env">): UserStore {
  const kv = (ctx.env as { USERS?: KeyValue }).USERS;
  return kv && typeof kv.get === "function" ? keyValueStore(kv) : fallback;
}

export const userCreate = job({ body: User, responses: { 201: User, 409: null } }, async ({ body }, ctx) => {
  if (!(await users(ctx).create(body))) throw new HttpError(409, `a user named ${body.name} exists already`);
  return { status: 201, body };
});

export const userGet = job({ params: v.object({ name: UserName }), responses: { 200: User, 404: null } }, async ({ params }, ctx) => {
  const user = await users(ctx).get(params.name);
  if (!user) throw new HttpError(404, `no user named ${params.name}`);
  return { body: user };
});

export const api = routes({
  "POST /user": userCreate,
  "GET /user/:name": userGet,
});
