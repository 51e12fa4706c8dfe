// The users service written by hand, with valibot and nothing else: the practical ceiling.
// Each hand-written contestant (node:http, Lambda, Worker) is this plus a few lines of
// platform glue.
import * as v from "valibot";
import { User, UserName } from "../../examples/users/schema.js";
import { invalid, problem } from "./problem.js";
import { storeOf } from "./store.js";

export interface PlainAnswer {
  status: number;
  /** JSON text. */
  body: string;
}

const Params = v.object({ name: UserName });
const prefix = "/user/";

const json = (status: number, value: unknown): PlainAnswer => ({ status, body: JSON.stringify(value) });

export async function answer(method: string, path: string, body: () => Promise<string> | string, env: unknown): Promise<PlainAnswer> {
  if (path === "/user") {
    if (method !== "POST") return json(405, problem(405, `${method} is not allowed here`));
    let parsed: unknown;
    try {
      parsed = JSON.parse(await body());
    } catch {
      return json(400, problem(400, "The body is not valid JSON"));
    }
    const checked = v.safeParse(User, parsed);
    if (!checked.success) return json(400, invalid(checked.issues));
    if (!(await storeOf(env).create(checked.output))) {
      return json(409, problem(409, `a user named ${checked.output.name} exists already`));
    }
    return json(201, checked.output);
  }
  if (path.startsWith(prefix) && path.indexOf("/", prefix.length) < 0) {
    if (method !== "GET") return json(405, problem(405, `${method} is not allowed here`));
    let name: string;
    try {
      name = decodeURIComponent(path.slice(prefix.length));
    } catch {
      return json(400, problem(400, "The path has malformed percent-encoding"));
    }
    const checked = v.safeParse(Params, { name });
    if (!checked.success) return json(400, invalid(checked.issues));
    const user = await storeOf(env).get(checked.output.name);
    return user ? json(200, user) : json(404, problem(404, `no user named ${name}`));
  }
  return json(404, problem(404, `No route for ${method} ${path}`));
}
