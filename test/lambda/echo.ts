/** A job that answers any path with what it saw: method, path, query, headers, cookies, body bytes. */
import * as v from "valibot";
import { job } from "jobwrap";

export const echo = job(
  {
    seen: (req) => ({ method: req.method, path: req.path, headers: { ...req.headers } }),
    query: v.record(v.string(), v.union([v.string(), v.array(v.string())])),
    body: v.instance(Uint8Array),
  },
  async ({ seen, query, body }, ctx) => {
    if (query.wait !== undefined) {
      // Waits for the deadline: the answer is the 504.
      await new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason)));
    }
    return {
      headers: { "set-cookie": ["a=1; Path=/", "b=2; Path=/; HttpOnly"], "x-twice": ["one", "two"] },
      body: {
        ...seen,
        query: { ...query },
        cookies: seen.headers.cookie?.split("; ") ?? [],
        body: body.length === 0 ? null : Buffer.from(body).toString("base64"),
        requestId: ctx.requestId,
        platform: ctx.platform,
        functionName: (ctx.env as Record<string, string | undefined>).AWS_LAMBDA_FUNCTION_NAME ?? null,
      },
    };
  },
  // Any media type, as bytes: the echo judges nothing.
  { accept: "bytes" },
);
