// The users service as it was before CORS, cookies, uploads and shared extractors: an app that
// uses none of them, bundled to check that they tree-shake away (size.test.ts).
import * as v from "valibot";
import { HttpError, job, routes } from "jobwrap";
import { wrap } from "jobwrap/workers";
import { User, UserName } from "../../examples/users/schema.js";
import { memoryStore } from "../../examples/users/store.js";

const users = memoryStore();

export default wrap(
  routes({
    "POST /user": job({ body: User, responses: { 201: User, 409: null } }, async ({ body }) => {
      if (!(await users.create(body))) throw new HttpError(409, `a user named ${body.name} exists already`);
      return { status: 201, body };
    }),
    "GET /user/:name": job({ params: v.object({ name: UserName }), responses: { 200: User, 404: null } }, async ({ params }) => {
      const user = await users.get(params.name);
      if (!user) throw new HttpError(404, `no user named ${params.name}`);
      return { body: user };
    }),
  }),
);
