// The users service on itty-router's AutoRouter, validated with valibot.
import { AutoRouter, error, json } from "itty-router";
import * as v from "valibot";
import { User, UserName } from "../../examples/users/schema.js";
import { invalid, problem } from "./problem.js";
import { storeOf } from "./store.js";

const Params = v.object({ name: UserName });
const router = AutoRouter();

router.post("/user", async (request, env: unknown) => {
  let parsed: unknown;
  try {
    parsed = await request.json();
  } catch {
    return error(400, problem(400, "The body is not valid JSON"));
  }
  const checked = v.safeParse(User, parsed);
  if (!checked.success) return error(400, invalid(checked.issues));
  if (!(await storeOf(env).create(checked.output))) {
    return error(409, problem(409, `a user named ${checked.output.name} exists already`));
  }
  return json(checked.output, { status: 201 });
});

router.get("/user/:name", async (request, env: unknown) => {
  const checked = v.safeParse(Params, request.params);
  if (!checked.success) return error(400, invalid(checked.issues));
  const user = await storeOf(env).get(checked.output.name);
  return user ?? error(404, problem(404, `no user named ${checked.output.name}`));
});

export default { fetch: router.fetch };
