// The users service on Fastify 5, validated with valibot (not Fastify's JSON-schema
// validator) so every contestant runs the same checks.
import Fastify from "fastify";
import * as v from "valibot";
import { User, UserName } from "../../examples/users/schema.js";
import { invalid, problem } from "./problem.js";
import { storeOf } from "./store.js";

const Params = v.object({ name: UserName });

export function fastifyApp() {
  const app = Fastify({ logger: false });
  app.post("/user", async (req, reply) => {
    const checked = v.safeParse(User, req.body);
    if (!checked.success) {
      return reply.code(400).send(invalid(checked.issues));
    }
    const user = checked.output;
    if (!(await storeOf(undefined).create(user))) {
      return reply.code(409).send(problem(409, `a user named ${user.name} exists already`));
    }
    return reply.code(201).send(user);
  });
  app.get("/user/:name", async (req, reply) => {
    const checked = v.safeParse(Params, req.params);
    if (!checked.success) {
      return reply.code(400).send(invalid(checked.issues));
    }
    const user = await storeOf(undefined).get(checked.output.name);
    if (!user) return reply.code(404).send(problem(404, `no user named ${checked.output.name}`));
    return user;
  });
  return app;
}
