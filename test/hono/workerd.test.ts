// The Hono interop in workerd (Miniflare): the Hono app of app.ts as a Worker, over real HTTP.
import { Agent } from "node:http";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe } from "vitest";
import { send } from "../support/http.js";
import { bundle } from "../workers/bundle.js";
import { honoInterop } from "./cases.js";

describe("a route table inside a Hono app in workerd", () => {
  let mf: Miniflare;
  let base: string;
  beforeAll(async () => {
    mf = new Miniflare({ modules: true, script: await bundle("test/hono/worker.ts"), compatibilityDate: "2026-04-26" });
    base = (await mf.ready).href;
  });
  afterAll(() => mf.dispose());

  const agent = new Agent({ keepAlive: false });
  honoInterop(() => (request) => send(base, request, agent));
});
