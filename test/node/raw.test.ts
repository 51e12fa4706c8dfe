// raw(ctx) on the Node server and on Cloud Functions: Node's own request and response, typed; another adapter's raw is undefined there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job } from "jobwrap";
import { raw as functionRaw } from "jobwrap/cloud-functions";
import { raw as lambdaRaw } from "jobwrap/lambda";
import { raw, serve, type Served } from "jobwrap/node";
import { serveFunction, type ServedFunction } from "../cloud-functions/serve.js";
import { send } from "../support/http.js";

const seen = job({}, (_input, ctx) => {
  const node = raw(ctx) ?? functionRaw(ctx);
  return {
    body: {
      httpVersion: node?.req.httpVersion ?? null,
      remotePort: typeof node?.req.socket.remotePort,
      headersSent: node?.res.headersSent ?? null,
      rawBody: functionRaw(ctx)?.req.rawBody?.toString() ?? null,
      lambda: lambdaRaw(ctx) ?? null,
      platforms: { node: raw(ctx) !== undefined, cloudFunctions: functionRaw(ctx) !== undefined },
    },
  };
});

describe("raw(ctx) on node:http", () => {
  let served: Served;
  let fn: ServedFunction;
  beforeAll(async () => {
    served = serve(seen, { port: 0, host: "127.0.0.1", signals: [], log: false });
    await served.ready;
    fn = await serveFunction("raw", seen, { log: false });
  });
  afterAll(async () => {
    await served.drain();
    await fn.close();
  });

  it("the Node server: its IncomingMessage and ServerResponse", async () => {
    const response = await send((await served.ready).url, { method: "GET", path: "/" });
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({
      httpVersion: "1.1",
      remotePort: "number",
      headersSent: false,
      rawBody: null,
      lambda: null,
      platforms: { node: true, cloudFunctions: false },
    });
  });

  it("Cloud Functions: the framework's request, with the rawBody it kept", async () => {
    const response = await send(fn.base, { method: "POST", path: "/", headers: { "content-type": "text/plain" }, body: "kept" });
    expect(JSON.parse(new TextDecoder().decode(response.body))).toMatchObject({ httpVersion: "1.1", rawBody: "kept", lambda: null, platforms: { node: false, cloudFunctions: true } });
  });
});
