// The hand-written Worker: fetch() and valibot, nothing else.
import { answer } from "./plain-service.js";

export default {
  async fetch(request: Request, env: unknown): Promise<Response> {
    const { pathname } = new URL(request.url);
    const out = await answer(request.method, pathname, () => request.text(), env);
    return new Response(out.body, {
      status: out.status,
      headers: { "content-type": out.status < 400 ? "application/json" : "application/problem+json" },
    });
  },
};
