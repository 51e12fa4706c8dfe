// The users service as a Hono app, validated by @hono/valibot-validator: the same app
// runs on @hono/node-server, hono/aws-lambda and Workers.
import { vValidator } from "@hono/valibot-validator";
import { Hono } from "hono";
import * as v from "valibot";
import { User, UserName } from "../../examples/users/schema.js";
import { invalid, problem } from "./problem.js";
import { storeOf } from "./store.js";

export const app = new Hono();

app.post("/user", vValidator("json", User), async (c) => {
  const user = c.req.valid("json");
  if (!(await storeOf(c.env).create(user))) {
    return c.json(problem(409, `a user named ${user.name} exists already`), 409);
  }
  return c.json(user, 201);
});

app.get("/user/:name", vValidator("param", v.object({ name: UserName })), async (c) => {
  const { name } = c.req.valid("param");
  const user = await storeOf(c.env).get(name);
  if (!user) return c.json(problem(404, `no user named ${name}`), 404);
  return c.json(user);
});
