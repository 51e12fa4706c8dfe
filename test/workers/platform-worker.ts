// What only a Worker has: its bindings on ctx.env, its waitUntil, and the last-resort answer
// when even handle() fails (here, a log sink that throws on one path).
import { job, routes } from "jobwrap";
import { raw, wrap } from "jobwrap/workers";

interface Bindings {
  USERS: { put(key: string, value: string): Promise<void> };
}

export default wrap<Bindings>(
  routes({
    // Answers at once; the KV write happens after the response, kept alive by waitUntil.
    "POST /later": job({}, (_input, ctx) => {
      const { USERS } = ctx.env as Bindings;
      ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 20)).then(() => USERS.put("later", ctx.requestId)));
      return { status: 202 };
    }),
    "GET /broken-log": job({}, () => ({ body: "ok" })),
    // The Worker's own objects, typed: the request with its cf properties, the ExecutionContext.
    "GET /raw": job({}, (_input, ctx) => {
      const worker = raw<Bindings>(ctx);
      return {
        body: {
          cf: typeof worker?.request.cf?.colo,
          url: worker?.request.url ?? null,
          waitUntil: typeof worker?.ctx.waitUntil,
          bindings: worker !== undefined && "USERS" in worker.env,
        },
      };
    }),
  }),
  {
    log: (entry) => {
      if (entry.path === "/broken-log") throw new Error("the log sink is down");
    },
  },
);
