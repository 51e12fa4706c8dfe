// How the Node server reads requests and writes answers on node:http, seen on the wire: the
// absolute form of a target, when an answer leaves a body unread (kept connection or closed),
// a stream failing mid-answer, and ctx.signal for a client already gone when a job first looks.
import { connect, type Socket } from "node:net";
import { request } from "node:http";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes, type Context, type LogEntry } from "jobwrap";
import { raw as nodeRaw, serve, type Served } from "jobwrap/node";

const seenSignals: [boolean, string][] = [];
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
    seenSignals.push([ctx.signal.aborted, (ctx.signal.reason as Error | undefined)?.message ?? ""]);
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
    await expect.poll(() => seenSignals, { timeout: 2000 }).toEqual([[true, "the client went away"]]);
  });
});

// Each on a server of its own, built inside the test: how an answer leaves the connection when
// the body is left unread, the last resort, and ctx.signal once the answer has gone.
const afterAnswer: boolean[] = [];
const unread = routes({
  "POST /small": job({ body: v.looseObject({}) }, () => ({ status: 202 }), { bodyLimit: 64 }),
  // Answers a stream without reading the body sent.
  "POST /stream": job({}, () => ({
    headers: { "content-type": "text/plain" },
    body: new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(new TextEncoder().encode("streamed"));
        controller.close();
      },
    }),
  })),
  "GET /echo": job({ query: v.record(v.string(), v.string()) }, ({ query }) => ({ body: { query } })),
  "GET /unsendable": job({}, () => ({ headers: { "x-mark": "never sent \u{1F600}" }, body: "never sent" })),
  // Neither CR nor LF, which core refuses; their code points' low bytes are.
  "GET /forged": job({}, () => ({ headers: { "x-mark": "a\u010d\u010aset-cookie: forged=1" }, body: "forged" })),
  // Writes its own answer through Node's response, then returns one as well.
  "GET /own-answer": job({}, (_input, ctx) => ownAnswer(ctx)),
  // Its own answer begun, not ended, over a large body it left unread.
  "POST /own-answer": job({}, (_input, ctx) => {
    nodeRaw(ctx)!.res.writeHead(200, { "content-type": "text/plain", "content-length": "3" }).write("own");
    return { body: "the job's" };
  }),
  "GET /looks-later": job({}, (_input, ctx) => {
    const { signal } = ctx;
    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 100)).then(() => void afterAnswer.push(signal.aborted)));
    return { body: "answered" };
  }),
});

function ownAnswer(ctx: Context) {
  nodeRaw(ctx)!.res.writeHead(200, { "content-type": "text/plain", "content-length": "3" }).end("own");
  return { body: "the job's" };
}

async function onServer(run: (port: number) => Promise<void>): Promise<void> {
  const served = serve(unread, { port: 0, host: "127.0.0.1", signals: [], log: false, compress: false, bodyLimit: 1024, drainTimeout: 200 });
  const { port } = await served.ready;
  try {
    await run(port);
  } finally {
    await served.drain();
  }
}

const MiB = 1024 * 1024;

/**
 * Sends `head` and reads the answer until the server closes its side; then, as a client still
 * uploading, sends 3 MiB more. Resolves with the answer and how many bytes the server read in
 * all, once it has read 1 MiB of them and then 100 ms have passed.
 */
async function uploadPastAnswer(served: Served, head: string): Promise<{ raw: string; read: number }> {
  const accepted = new Promise<Socket>((resolve) => served.server.once("connection", resolve));
  const { port } = await served.ready;
  const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  socket.on("error", () => {});
  let raw = "";
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => (raw += chunk));
  const answered = new Promise<void>((resolve) => socket.once("end", resolve));
  socket.write(head);
  const server = await accepted;
  await answered;
  socket.write("x".repeat(3 * MiB));
  try {
    await expect.poll(() => server.bytesRead, { timeout: 3000, interval: 10 }).toBeGreaterThan(MiB);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { raw, read: server.bytesRead };
  } finally {
    socket.destroy();
  }
}

describe("the Node server on the wire: a body left unread", () => {
  for (const [label, status, head] of [
    ["a body declared past the job's limit (413)", 413, "POST /small HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n"],
    ["an expectation the server does not meet (417)", 417, "POST /small HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nexpect: 200-ok\r\ncontent-length: 100\r\n\r\n"],
    ["a body declared past the app's limit", 404, "POST /nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: 100000000\r\n\r\n"],
    ["a body of unknown length", 404, "POST /nowhere HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"],
  ] as const) {
    it(`${label}: the answer, the connection closed after; what the client still sends is read and dropped up to 1 MiB, no further`, async () => {
      const served = serve(unread, { port: 0, host: "127.0.0.1", signals: [], log: false, compress: false, bodyLimit: 1024, drainTimeout: 200 });
      try {
        const { raw, read } = await uploadPastAnswer(served, head);
        expect(statuses(raw)).toEqual([status]);
        expect(raw).toMatch(/\r\nconnection: close\r\n/i);
        expect(read).toBeLessThan(1.5 * MiB);
      } finally {
        await served.drain();
      }
    });
  }

  it("a header value Node refuses to write, on an answer that leaves a large body unread: the last resort's 500 with the ERROR line Node's refusal gives, nothing of the value sent", async () => {
    const logs: LogEntry[] = [];
    const served = serve(unread, { port: 0, host: "127.0.0.1", signals: [], log: (entry) => logs.push(entry), compress: false, bodyLimit: 1024, drainTimeout: 200 });
    try {
      const { port } = await served.ready;
      for (const head of [
        "GET /unsendable HTTP/1.1\r\nhost: x\r\n\r\n",
        "GET /unsendable HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n",
        "GET /forged HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n",
      ]) {
        const { raw, closed } = await exchange(port, head);
        expect(statuses(raw)).toEqual([500]);
        expect(raw).toMatch(/\r\nconnection: close\r\n/i);
        expect(raw).not.toMatch(/never sent|forged|x-mark/);
        expect(closed).toBe(true);
      }
      const errors = logs.filter((entry) => entry.severity === "ERROR");
      expect(errors.map((entry) => [entry.message, (entry["error"] as Error).message])).toEqual(
        Array.from({ length: 3 }, () => ["jobwrap failed to answer", 'Invalid character in header content ["x-mark"]']),
      );
    } finally {
      await served.drain();
    }
  });

  it("a body of exactly the app's limit left unread: read and dropped, the connection kept for the next request", async () => {
    await onServer(async (port) => {
      const { raw, closed } = await exchange(port, `POST /nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: 1024\r\n\r\n${"x".repeat(1024)}GET /echo HTTP/1.1\r\nhost: x\r\n\r\n`, 2);
      expect(statuses(raw)).toEqual([404, 200]);
      expect(closed).toBe(false);
    });
  });

  it("a body of exactly the job's limit is taken", async () => {
    await onServer(async (port) => {
      const body = `{"a":"${"x".repeat(56)}"}`;
      expect(body).toHaveLength(64);
      const { raw } = await exchange(port, `POST /small HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n40\r\n${body}\r\n0\r\n\r\n`);
      expect(statuses(raw)).toEqual([202]);
    });
  });

  it("a chunked body within the limit, read to its end: the connection is kept for the next request", async () => {
    await onServer(async (port) => {
      const { raw, closed } = await exchange(
        port,
        "POST /small HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\nGET /echo HTTP/1.1\r\nhost: x\r\n\r\n",
        2,
      );
      expect(statuses(raw)).toEqual([202, 200]);
      expect(raw).not.toMatch(/connection: close/i);
      expect(closed).toBe(false);
    });
  });

  it("a chunked body past the job's limit, arrived whole: 413, the connection closed, no answer to what follows", async () => {
    await onServer(async (port) => {
      const body = `{"a":"${"x".repeat(100)}"}`;
      const { raw, closed } = await exchange(
        port,
        `POST /small HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\nGET /echo HTTP/1.1\r\nhost: x\r\n\r\n`,
      );
      expect(statuses(raw)).toEqual([413]);
      expect(raw).toMatch(/\r\nconnection: close\r\n/i);
      expect(closed).toBe(true);
    });
  });

  it("a stream answered before a large body is read: streamed whole, then the connection closed", async () => {
    await onServer(async (port) => {
      const { raw, closed } = await exchange(port, "POST /stream HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n");
      expect(statuses(raw)).toEqual([200]);
      expect(raw).toMatch(/\r\nconnection: close\r\n/i);
      expect(raw).toMatch(/\r\n\r\n8\r\nstreamed\r\n0\r\n\r\n$/);
      expect(closed).toBe(true);
    });
  });
});

describe("the Node server on the wire: what a request without a query reads, the last resort, ctx.signal after the answer", () => {
  it("Expect: 100-continue for a request refused before its body is read: no 100, only the refusal", async () => {
    await onServer(async (port) => {
      const { raw } = await exchange(port, "POST /nowhere HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nexpect: 100-continue\r\n\r\n");
      expect(statuses(raw)).toEqual([404]);
    });
  });

  it("a target without a query: an empty query", async () => {
    await onServer(async (port) => {
      const { raw } = await exchange(port, "GET /echo HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
      expect(JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4))).toEqual({ query: {} });
    });
  });

  it("an answer Node refuses to write: the last resort's 500, and the connection closed", async () => {
    await onServer(async (port) => {
      const { raw, closed } = await exchange(port, "GET /unsendable HTTP/1.1\r\nhost: x\r\n\r\nGET /echo HTTP/1.1\r\nhost: x\r\n\r\n");
      expect(statuses(raw)).toEqual([500]);
      expect(raw).toMatch(/\r\nconnection: close\r\n/i);
      expect(raw).not.toContain("never sent");
      expect(closed).toBe(true);
    });
  });

  it("a job that wrote its own answer through raw(ctx): that answer stands, nothing written after it, the server serves on", async () => {
    await onServer(async (port) => {
      const { raw } = await exchange(port, "GET /own-answer HTTP/1.1\r\nhost: x\r\n\r\n");
      expect(statuses(raw)).toEqual([200]);
      expect(raw).toMatch(/\r\n\r\nown$/);
      const { raw: next } = await exchange(port, "GET /echo?n=1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
      expect(statuses(next)).toEqual([200]);
      // Its answer begun, not ended, over a large body it left unread: nothing written after it either.
      const { raw: unreadBody } = await exchange(port, "POST /own-answer HTTP/1.1\r\nhost: x\r\ncontent-length: 100000\r\n\r\n");
      expect(statuses(unreadBody)).toEqual([200]);
      expect(unreadBody).toMatch(/\r\n\r\nown$/);
    });
  });

  it("ctx.signal stays unaborted when the answer went out whole and the connection closed after", async () => {
    afterAnswer.length = 0;
    await onServer(async (port) => {
      const { raw } = await exchange(port, "GET /looks-later HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
      expect(statuses(raw)).toEqual([200]);
      await expect.poll(() => afterAnswer, { timeout: 2000 }).toEqual([false]);
    });
  });
});
