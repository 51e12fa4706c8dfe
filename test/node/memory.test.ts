/**
 * serve() keeps nothing of an answered request: a keep-alive connection's finished responses,
 * with their requests and bodies, are collectable while the connection stays open, not only once
 * its next request comes (held that long, they outlived the young generation's collections and
 * their bodies' memory waited for a full one).
 */
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import { raw, serve, type Served } from "jobwrap/node";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

const held: WeakRef<object>[] = [];
const app = routes({
  "POST /upload": job({ body: v.looseObject({}) }, (_input, ctx) => {
    const node = raw(ctx)!;
    held.push(new WeakRef(node.req), new WeakRef(node.res));
    return { status: 201, body: { ok: true } };
  }),
});

/** POSTs on the agent's one connection; resolves with the status once the answer is read. */
function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ port, host: "127.0.0.1", method: "POST", path: "/upload", agent, headers: { "content-type": "application/json" } }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode!));
    });
    req.once("error", reject);
    req.end(body);
  });
}

describe("what serve() keeps of answered requests", () => {
  let served: Served;
  let port: number;
  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false });
    ({ port } = await served.ready);
  });
  afterAll(() => served.drain());

  it("two requests pipelined on a connection still open: once both are answered, neither is held", async () => {
    held.length = 0;
    const body = JSON.stringify({ data: "x" });
    const post = `POST /upload HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    const socket = connect({ port, host: "127.0.0.1" });
    try {
      await new Promise<void>((resolve, reject) => {
        let got = "";
        socket.on("data", (chunk: Buffer) => {
          got += chunk.toString("latin1");
          if (got.match(/HTTP\/1\.1 201 /g)?.length === 2 && got.endsWith("}")) resolve();
        });
        socket.once("error", reject);
        socket.write(post + post);
      });
      expect(held).toHaveLength(4);
      await new Promise((resolve) => setImmediate(resolve));
      collect();
      expect(held.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    } finally {
      socket.destroy();
    }
  });

  it.each([1, 3])("%i requests answered on a connection still open: none of their requests or responses is held", async (count) => {
    held.length = 0;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const body = JSON.stringify({ data: "x".repeat(64 * 1024) });
      for (let i = 0; i < count; i++) expect(await post(agent, port, body)).toBe(201);
      expect(held).toHaveLength(2 * count);
      // The connection is open and idle: the next request has not come.
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
      await new Promise((resolve) => setImmediate(resolve));
      collect();
      expect(held.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
    } finally {
      agent.destroy();
    }
  });
});
