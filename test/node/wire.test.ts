// How the Node server reads requests and writes answers on node:http, seen on the wire: the
// absolute form of a target, when an answer leaves a body unread (kept connection or closed),
// a stream failing mid-answer, and ctx.signal for a client already gone when a job first looks.
import { connect } from "node:net";
import { request } from "node:http";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import { serve, type Served } from "jobwrap/node";

const seenSignals: boolean[] = [];
const cancelled: string[] = [];
let lateStarted!: () => void;
const started = new Promise<void>((resolve) => (lateStarted = resolve));
let goneSeen!: () => void;
const clientGone = new Promise<void>((resolve) => (goneSeen = resolve));

const app = routes({
  "GET /echo": job({ query: v.record(v.string(), v.string()) }, ({ query }, ctx) => ({ body: { query, platform: ctx.platform } })),
  "POST /small": job({ body: v.looseObject({}) }, () => ({ status: 202 }), { bodyLimit: 64 }),
  "GET /late": job({}, async (_input, ctx) => {
    lateStarted();
    // Looks at ctx.signal only once the client is gone and the server has seen it go.
    await clientGone;
    seenSignals.push(ctx.signal.aborted);
    return {};
  }),
  "GET /endless": job({}, () => ({
    headers: { "content-type": "application/octet-stream" },
    body: new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.enqueue(new Uint8Array(1024));
      },
      cancel: () => void cancelled.push("cancelled"),
    }),
  })),
  "GET /breaks": job({}, () => ({
    headers: { "content-type": "application/octet-stream" },
    body: new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new Uint8Array([1, 2, 3])),
      pull: () => new Promise((_resolve, reject) => setTimeout(() => reject(new Error("the source broke")), 20)),
    }),
  })),
});

/**
 * Writes `bytes`, then reads until the server closes, or until `answers` answers (interim ones
 * aside) have come and a short while more has passed without the server closing.
 */
function exchange(port: number, bytes: string, answers = 1): Promise<{ raw: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let raw = "";
    let closed = false;
    let grace: ReturnType<typeof setTimeout> | undefined;
    const finish = () => {
      clearTimeout(overall);
      clearTimeout(grace);
      socket.destroy();
      resolve({ raw, closed });
    };
    const overall = setTimeout(finish, 5000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => {
      raw += chunk;
      if (grace === undefined && statuses(raw).filter((status) => status >= 200).length >= answers) grace = setTimeout(finish, 150);
    });
    socket.on("error", () => {});
    socket.on("end", () => {
      closed = true;
      finish();
    });
    socket.write(bytes);
  });
}

const statuses = (raw: string) => [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => Number(match[1]));

describe("the Node server on the wire", () => {
  let served: Served;
  let port: number;
  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, compress: false, bodyLimit: 1024 });
    ({ port } = await served.ready);
  });
  afterAll(() => served.drain());

  it("reads a target in absolute form (as sent to proxies) as its path and query", async () => {
    const { raw } = await exchange(port, "GET http://elsewhere.test/echo?a=1&b=two HTTP/1.1\r\nhost: elsewhere.test\r\nconnection: close\r\n\r\n");
    expect(statuses(raw)).toEqual([200]);
    expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toEqual({ query: { a: "1", b: "two" }, platform: "node" });
  });

  it("an answer that leaves a short declared body unread keeps the connection: the next request is answered", async () => {
    const { raw, closed } = await exchange(
      port,
      "POST /nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n0123456789GET /echo?n=2 HTTP/1.1\r\nhost: x\r\n\r\n",
      2,
    );
    expect(statuses(raw)).toEqual([404, 200]);
    expect(raw).not.toMatch(/connection: close/i);
    expect(closed).toBe(false);
  });

  it("an answer that leaves unread a body declared over the limit, or of unknown length, closes the connection", async () => {
    for (const framing of ["content-length: 100000", "transfer-encoding: chunked"]) {
      const { raw, closed } = await exchange(port, `POST /nowhere HTTP/1.1\r\nhost: x\r\n${framing}\r\n\r\n`);
      expect(statuses(raw), framing).toEqual([404]);
      expect(raw, framing).toMatch(/\r\nconnection: close\r\n/i);
      expect(closed, framing).toBe(true);
    }
  });

  it("a body over the job's limit, read to its end, still closes the connection: 413 and no second answer", async () => {
    const body = `{"a":"${"x".repeat(100)}"}`;
    const { raw, closed } = await exchange(
      port,
      `POST /small HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}GET /echo HTTP/1.1\r\nhost: x\r\n\r\n`,
    );
    expect(statuses(raw)).toEqual([413]);
    expect(raw).toMatch(/\r\nconnection: close\r\n/i);
    expect(closed).toBe(true);
  });

  it("a body within the limit that has arrived whole: the connection is kept", async () => {
    const { raw, closed } = await exchange(
      port,
      `POST /small HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}GET /echo HTTP/1.1\r\nhost: x\r\n\r\n`,
      2,
    );
    expect(statuses(raw)).toEqual([202, 200]);
    expect(closed).toBe(false);
  });

  it("Expect: 100-continue: the 100 once the job is to read the body, none for a request refused before", async () => {
    const continued = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      let raw = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        raw += chunk;
        if (raw === "HTTP/1.1 100 Continue\r\n\r\n") socket.write("{}");
      });
      socket.on("end", () => resolve(raw));
      socket.write("POST /small HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n");
    });
    expect(statuses(continued)).toEqual([100, 202]);
    const { raw } = await exchange(port, "POST /nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nexpect: 100-continue\r\n\r\n");
    expect(statuses(raw)).toEqual([404]);
  });

  it("a stream that fails after its first bytes: the answer is cut off, not ended as if whole", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/breaks" }, (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve("ended"));
        res.on("error", () => resolve("cut"));
      });
      req.on("error", () => resolve("cut"));
      req.end();
    });
    expect(outcome).toBe("cut");
  });

  it("a client that goes away mid-stream: the job's stream is cancelled, not read on", async () => {
    await new Promise<void>((resolve) => {
      const req = request({ host: "127.0.0.1", port, path: "/endless" }, (res) => res.once("data", () => (req.destroy(), resolve())));
      req.on("error", () => {});
      req.end();
    });
    await expect.poll(() => cancelled, { timeout: 2000 }).toEqual(["cancelled"]);
  });

  it("ctx.signal is aborted for a job that first looks after the client went away", async () => {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write("GET /late HTTP/1.1\r\nhost: x\r\n\r\n");
    await started;
    socket.destroy();
    const open = () => new Promise<number>((resolve) => served.server.getConnections((_error, count) => resolve(count)));
    await expect.poll(open, { timeout: 2000, interval: 10 }).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    goneSeen();
    await expect.poll(() => seenSignals, { timeout: 2000 }).toEqual([true]);
  });
});
