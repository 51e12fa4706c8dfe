import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import type { App } from "jobwrap";
import { register, type CloudFunctionsOptions } from "jobwrap/cloud-functions";

export interface ServedFunction {
  base: string;
  server: Server;
  close(): Promise<void>;
}

/** Registers `app` as the HTTP function `name` and serves it on loopback through the real framework. */
export async function serveFunction(name: string, app: App, options?: CloudFunctionsOptions): Promise<ServedFunction> {
  register(name, app, options);
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
