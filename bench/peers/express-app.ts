// The users service as an Express 5 app, validated with valibot: served by node:http,
// serverless-http and @codegenie/serverless-express.
import express from "express";
import * as v from "valibot";
import { User, UserName } from "../../examples/users/schema.js";
import { invalid, problem } from "./problem.js";
import { storeOf } from "./store.js";

export const app = express();
app.disable("x-powered-by");
app.use(express.json());

const Params = v.object({ name: UserName });

app.post("/user", async (req, res) => {
  const checked = v.safeParse(User, req.body);
  if (!checked.success) {
    res.status(400).json(invalid(checked.issues));
    return;
  }
  const user = checked.output;
  if (!(await storeOf(undefined).create(user))) {
    res.status(409).json(problem(409, `a user named ${user.name} exists already`));
    return;
  }
  res.status(201).json(user);
});

app.get("/user/:name", async (req, res) => {
  const checked = v.safeParse(Params, req.params);
  if (!checked.success) {
    res.status(400).json(invalid(checked.issues));
    return;
  }
  const user = await storeOf(undefined).get(checked.output.name);
  if (!user) {
    res.status(404).json(problem(404, `no user named ${checked.output.name}`));
    return;
  }
  res.json(user);
});
