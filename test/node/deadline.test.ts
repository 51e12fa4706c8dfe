// The Node server's own deadline: every job has one, so a job that never answers cannot hold a
// socket forever; by default it falls before Heroku's router gives up (30 s).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import { defaultNodeTimeout, serve, type Served } from "jobwrap/node";
import { send } from "../support/http.js";

let aborted = false;
const app = routes({
  "GET /deadline": job({}, (_input, ctx) => ({ body: { left: ctx.deadline! - Date.now() } })),
  "GET /never": job({}, (_input, ctx) => {
    ctx.signal.addEventListener("abort", () => (aborted = true));
    return new Promise<never>(() => {});
  }),
});

describe("the Node server's default deadline", () => {
  let served: Served;
  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false });
    await served.ready;
  });
  afterAll(() => served.drain());

  it("is 28 s, under Heroku's 30 s router timeout", async () => {
    expect(defaultNodeTimeout).toBe(28_000);
    const { url } = await served.ready;
    const answer = await send(url, { method: "GET", path: "/deadline" });
    const { left } = JSON.parse(new TextDecoder().decode(answer.body)) as { left: number };
    expect(left).toBeGreaterThan(27_000);
    expect(left).toBeLessThanOrEqual(28_000);
  });

  it("answers 504 to a job that never answers, and aborts its signal, at the server's timeout", async () => {
    const short = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, timeout: 200 });
    try {
      const { url } = await short.ready;
      const began = Date.now();
      const answer = await send(url, { method: "GET", path: "/never" });
      expect(answer.status).toBe(504);
      expect(Date.now() - began).toBeLessThan(1_500);
      expect(aborted).toBe(true);
    } finally {
      await short.drain();
    }
  });
});
