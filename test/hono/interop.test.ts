// The Hono interop on Node: the Hono app of app.ts on @hono/node-server, over real HTTP.
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, beforeAll, describe } from "vitest";
import { send } from "../support/http.js";
import { app } from "./app.js";
import { honoInterop } from "./cases.js";

describe("a route table inside a Hono app on Node (@hono/node-server)", () => {
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  honoInterop(() => (request) => send(base, request));
});
