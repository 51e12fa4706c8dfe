// Compression on the Node server, over real HTTP: what is compressed, what is left alone, and
// that a compressed stream still streams.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, constants, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { job, routes } from "jobwrap";
import { serve, wrap, type Served } from "jobwrap/node";

const big = "jobwrap ".repeat(400);
const app = routes({
  "GET /big": job({}, () => ({ body: { big } })),
  "GET /bytes": job({}, () => ({ body: new TextEncoder().encode(big) })),
  "GET /kept": job({}, () => ({ headers: { "cache-control": "no-transform" }, body: big })),
  "GET /ticks": job({}, () => {
    let n = 0;
    return {
      headers: { "content-type": "text/plain" },
      body: new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (n === 3) return controller.close();
          if (n > 0) await new Promise((resolve) => setTimeout(resolve, 150));
          controller.enqueue(new TextEncoder().encode(`tick ${n++}\n`));
        },
      }),
    };
  }),
});

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Each chunk of the body as it arrived. */
  chunks: Buffer[];
  /** Milliseconds after the request when each chunk arrived. */
  arrivals: number[];
}

function get(base: string, path: string, acceptEncoding?: string, method = "GET"): Promise<Got> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const req = request(`${base}${path}`, { method, headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} }, (res) => {
      const chunks: Buffer[] = [];
      const arrivals: number[] = [];
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        arrivals.push(Date.now() - started);
      });
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), chunks, arrivals }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("serve(): compression on by default", () => {
  let served: Served;
  let base: string;
  beforeAll(async () => {
    served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false });
    base = (await served.ready).url;
  });
  afterAll(() => served.drain());

  it("gzip or brotli as the client weighs them", async () => {
    const gz = await get(base, "/big", "br;q=0.5, gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(gz.body).toString())).toEqual({ big });
    expect(Number(gz.headers["content-length"])).toBe(gz.body.length);
    expect(gz.body.length).toBeLessThan(big.length / 10);
    const br = await get(base, "/big", "*");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(JSON.parse(brotliDecompressSync(br.body).toString())).toEqual({ big });
  });

  it("nothing the client refuses or does not name: identity, still with Vary", async () => {
    for (const accept of [undefined, "identity", "gzip;q=0, br;q=0", "deflate"]) {
      const got = await get(base, "/big", accept);
      expect(got.headers["content-encoding"], String(accept)).toBeUndefined();
      expect(got.headers.vary).toBe("Accept-Encoding");
      expect(JSON.parse(got.body.toString())).toEqual({ big });
    }
  });

  it("leaves bytes and what the job marked no-transform as they are", async () => {
    for (const path of ["/bytes", "/kept"]) {
      const got = await get(base, path, "gzip, br");
      expect(got.headers["content-encoding"], path).toBeUndefined();
      expect(got.headers.vary, path).toBeUndefined();
      expect(got.body.toString()).toBe(big);
    }
  });

  it("answers a HEAD with the headers its GET has: Vary and Content-Encoding, and no length it cannot know unsent", async () => {
    for (const [path, accept] of [["/big", "gzip"], ["/big", "br"], ["/big", undefined], ["/big", "identity"], ["/bytes", "gzip"], ["/kept", "br"], ["/ticks", "gzip"]] as const) {
      const got = await get(base, path, accept);
      const head = await get(base, path, accept, "HEAD");
      const what = `${path} ${String(accept)}`;
      expect(head.status, what).toBe(200);
      expect(head.body.length, what).toBe(0);
      expect(head.headers.vary, what).toBe(got.headers.vary);
      expect(head.headers["content-encoding"], what).toBe(got.headers["content-encoding"]);
      expect(head.headers["content-type"], what).toBe(got.headers["content-type"]);
      // Compressed, the length is the compressed body's, known only by compressing it: left out.
      expect(head.headers["content-length"], what).toBe(got.headers["content-encoding"] ? undefined : got.headers["content-length"]);
    }
  });

  it("compresses a stream chunk by chunk, gzip or brotli: each reaches the client when the job sends it", async () => {
    const [gz, br] = await Promise.all([get(base, "/ticks", "gzip"), get(base, "/ticks", "br")]);
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe("tick 0\ntick 1\ntick 2\n");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.body).toString()).toBe("tick 0\ntick 1\ntick 2\n");
    // Three chunks 150 ms apart: arrivals spread over at least 250 ms, not all at the end.
    for (const got of [gz, br]) expect(got.arrivals.at(-1)! - got.arrivals[0]!).toBeGreaterThan(250);
  });
});

describe("compress: false, and wrap() (off by default)", () => {
  it("sends the answer as it is", async () => {
    const served = serve(app, { port: 0, host: "127.0.0.1", signals: [], log: false, compress: false });
    const server = createServer(wrap(app, { log: false }));
    try {
      const base = (await served.ready).url;
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const wrapped = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const url of [base, wrapped]) {
        const got = await get(url, "/big", "gzip, br");
        expect(got.headers["content-encoding"]).toBeUndefined();
        expect(JSON.parse(got.body.toString())).toEqual({ big });
        const head = await get(url, "/big", "gzip, br", "HEAD");
        expect([head.headers["content-encoding"], head.headers.vary, head.headers["content-length"]]).toEqual([undefined, undefined, got.headers["content-length"]]);
      }
      const on = createServer(wrap(app, { log: false, compress: { threshold: 10 } }));
      await new Promise<void>((resolve) => on.listen(0, "127.0.0.1", resolve));
      const got = await get(`http://127.0.0.1:${(on.address() as AddressInfo).port}`, "/big", "gzip");
      expect(got.headers["content-encoding"]).toBe("gzip");
      on.close();
    } finally {
      server.close();
      await served.drain();
    }
  });
});

describe("what is compressed, and how, case by case", () => {
  // The answer as the query asks: its media type, status, size, its own content-encoding or cache-control.
  const shaped = routes({
    "GET /shaped": job({}, (_input, ctx) => {
      const q = new URL(`http://x${(ctx.raw as { req: { url: string } }).req.url}`).searchParams;
      const headers: Record<string, string> = {};
      if (q.get("type")) headers["content-type"] = q.get("type")!;
      if (q.get("encoding")) headers["content-encoding"] = q.get("encoding")!;
      if (q.get("cache")) headers["cache-control"] = q.get("cache")!;
      const text = "a".repeat(Number(q.get("size") ?? 2000));
      if (q.get("none")) return { status: Number(q.get("status") ?? 200), headers };
      const body = q.get("stream") ? new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode(text)), c.close()) }) : text;
      return { status: Number(q.get("status") ?? 200), headers, body };
    }),
    "GET /fails": job({}, () => ({
      headers: { "content-type": "text/plain" },
      body: new ReadableStream<Uint8Array>({
        start: (c) => c.enqueue(new TextEncoder().encode("a".repeat(2000))),
        pull: () => Promise.reject(new Error("the source failed")),
      }),
    })),
  });
  let server: ReturnType<typeof createServer>;
  let base: string;
  beforeAll(async () => {
    server = createServer(wrap(shaped, { log: false, compress: { threshold: 100 } }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const encodingOf = async (query: string, accept = "gzip") => (await get(base, `/shaped?${query}`, accept)).headers["content-encoding"];

  it("chooses by q-value, br on a tie, `*` for what is not named, x-gzip as gzip, names in any case", async () => {
    const cases: [string, string | undefined][] = [
      ["gzip", "gzip"],
      ["br", "br"],
      ["gzip, br", "br"],
      ["br;q=0.5, gzip;q=0.8", "gzip"],
      ["br;q=0.8, gzip;q=0.5", "br"],
      ["gzip;q=0.5, br;q=0.5", "br"],
      ["br ; q = 0.2 , gzip;q=0.1", "br"],
      ["GZIP", "gzip"],
      ["x-gzip", "gzip"],
      ["*", "br"],
      ["*;q=0.5, br;q=0.2", "gzip"],
      ["gzip;q=0.4, *;q=0.9", "br"],
      ["br;q=0, *", "gzip"],
      ["br;q=0, gzip;q=0", undefined],
      ["*;q=0", undefined],
      ["identity", undefined],
      ["gzip;level=1;q=0.3, br;q=0.2", "gzip"],
    ];
    for (const [accept, expected] of cases) expect(await encodingOf("type=text/plain", accept), accept).toBe(expected);
  });

  it("compresses text, JSON, XML, JavaScript and forms, by their media type in any case and with parameters", async () => {
    for (const type of ["text/plain", "text/html; charset=utf-8", "application/json", "Application/JSON; charset=utf-8", " application/json", "application/problem+json", "application/xml", "image/svg+xml", "application/javascript", "application/x-www-form-urlencoded"]) {
      expect(await encodingOf(`type=${encodeURIComponent(type)}`), type).toBe("gzip");
    }
  });

  it("leaves alone images, bytes, server-sent events, and answers without a media type", async () => {
    for (const type of ["image/png", "application/octet-stream", "application/zip", "text/event-stream", "application/jsonx", "application/x-javascript", "xtext/plain"]) {
      const got = await get(base, `/shaped?type=${encodeURIComponent(type)}`, "gzip");
      expect(got.headers["content-encoding"], type).toBeUndefined();
      expect(got.headers.vary, type).toBeUndefined();
    }
  });

  it("leaves alone a body under the threshold; one of the threshold's size is compressed", async () => {
    expect(await encodingOf("type=text/plain&size=99")).toBeUndefined();
    const at = await get(base, "/shaped?type=text/plain&size=100", "gzip");
    expect(at.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(at.body).toString()).toBe("a".repeat(100));
  });

  it("leaves alone 206 and 304, and what the job encoded or marked no-transform in any case", async () => {
    for (const query of ["status=206", "encoding=identity", "cache=public%2C%20No-Transform"]) {
      const got = await get(base, `/shaped?type=text/plain&${query}`, "gzip");
      expect(got.headers["content-encoding"], query).toBe(query.startsWith("encoding") ? "identity" : undefined);
      expect(got.headers.vary, query).toBeUndefined();
    }
    expect(await encodingOf("type=text/plain&cache=no-transformed")).toBe("gzip");
    // No body, and none to a HEAD: nothing to say about an encoding.
    for (const status of [204, 304]) {
      for (const method of ["GET", "HEAD"]) {
        const got = await get(base, `/shaped?type=text/plain&none=1&status=${status}`, "gzip", method);
        expect([got.status, got.headers["content-encoding"], got.headers.vary], `${method} ${status}`).toEqual([status, undefined, undefined]);
      }
    }
  });

  it("compresses other statuses alike: a 404 problem of the app's, a 201", async () => {
    expect(await encodingOf("type=text/plain&status=201")).toBe("gzip");
  });

  it("compresses a stream of any length, even under the threshold: its length is not known", async () => {
    const got = await get(base, "/shaped?type=text/plain&size=10&stream=1", "br");
    expect(got.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(got.body).toString()).toBe("a".repeat(10));
    const head = await get(base, "/shaped?type=text/plain&size=10&stream=1", "gzip", "HEAD");
    expect([head.headers["content-encoding"], head.headers.vary]).toEqual(["gzip", "Accept-Encoding"]);
  });

  it("a HEAD under the threshold, or of a type left alone: as it is, with its length", async () => {
    for (const query of ["type=text/plain&size=50", "type=image/png"]) {
      const head = await get(base, `/shaped?${query}`, "gzip", "HEAD");
      expect(head.headers["content-encoding"], query).toBeUndefined();
      expect(head.headers.vary, query).toBeUndefined();
      expect(head.headers["content-length"], query).toBe(query.includes("50") ? "50" : "2000");
    }
    const refused = await get(base, "/shaped?type=text/plain", "identity", "HEAD");
    expect([refused.headers["content-encoding"], refused.headers.vary, refused.headers["content-length"]]).toEqual([undefined, "Accept-Encoding", "2000"]);
  });

  it("a compressed stream whose source fails: the answer is cut short, and the server lives on", async () => {
    const cut = await new Promise<string>((resolve) => {
      const req = request(`${base}/fails`, { headers: { "accept-encoding": "gzip" } }, (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve("ended"));
        res.on("error", () => resolve("cut"));
        res.on("aborted", () => resolve("cut"));
      });
      req.on("error", () => resolve("cut"));
      req.end();
    });
    expect(cut).toBe("cut");
    expect((await get(base, "/shaped?type=text/plain", "gzip")).status).toBe(200);
  });
});

// Each on a server built inside the test: the threshold serve() takes (its default and the
// option), q-values in every spacing the header allows, and the forms the job marks.
describe("compression, each on a server of its own", () => {
  const sized = routes({
    "GET /text": job({}, (_input, ctx) => {
      const q = new URL(`http://x${(ctx.raw as { req: { url: string } }).req.url}`).searchParams;
      const headers: Record<string, string> = { "content-type": "text/plain" };
      if (q.get("cache")) headers["cache-control"] = q.get("cache")!;
      return { headers, body: "a".repeat(Number(q.get("size") ?? 2000)) };
    }),
    "GET /ticks": app.table["GET /ticks"],
  });

  async function onServe(options: Parameters<typeof serve>[1], run: (base: string) => Promise<void>): Promise<void> {
    const served = serve(sized, { port: 0, host: "127.0.0.1", signals: [], log: false, ...options });
    try {
      await run((await served.ready).url);
    } finally {
      await served.drain();
    }
  }

  it("serve()'s default threshold is 1024 bytes", async () => {
    await onServe({}, async (base) => {
      expect((await get(base, "/text?size=1023", "gzip")).headers["content-encoding"]).toBeUndefined();
      expect((await get(base, "/text?size=1024", "gzip")).headers["content-encoding"]).toBe("gzip");
    });
  });

  it("serve() takes a threshold of its own", async () => {
    await onServe({ compress: { threshold: 20 } }, async (base) => {
      expect((await get(base, "/text?size=19", "gzip")).headers["content-encoding"]).toBeUndefined();
      const got = await get(base, "/text?size=20", "gzip");
      expect(got.headers["content-encoding"]).toBe("gzip");
      expect(gunzipSync(got.body).toString()).toBe("a".repeat(20));
    });
    await onServe({ compress: {} }, async (base) => {
      expect((await get(base, "/text?size=1023", "gzip")).headers["content-encoding"]).toBeUndefined();
      expect((await get(base, "/text?size=1024", "gzip")).headers["content-encoding"]).toBe("gzip");
    });
  });

  it("reads q-values with spaces around the parameter, and no q-value from a parameter merely like one", async () => {
    await onServe({}, async (base) => {
      const cases: [string, string | undefined][] = [
        ["br; q=0.5, gzip", "gzip"],
        ["br;q =0.5, gzip;q=0.8", "gzip"],
        ["br;q= 0.5, gzip;q=0.8", "gzip"],
        ["br;q=0.5 , gzip;q=0.8", "gzip"],
        ["br;q=0.5x, gzip;q=0.8", "br"],
        ["br;xq=0.5, gzip;q=0.8", "br"],
        ["br;q=0.5, gzip;q=0.2, x-gzip;q=0.9", "br"],
        ["br;q=0.5, x-gzip;q=0.9", "gzip"],
        // An element without a name is no encoding, whatever its q-value.
        ["br;q=0.5, ;q=0.9", "br"],
      ];
      for (const [accept, expected] of cases) expect((await get(base, "/text", accept)).headers["content-encoding"], accept).toBe(expected);
    });
  });

  it("leaves alone what the job marked no-transform, in any case", async () => {
    await onServe({}, async (base) => {
      const got = await get(base, `/text?cache=${encodeURIComponent("public, No-Transform")}`, "gzip");
      expect([got.headers["content-encoding"], got.headers.vary, got.body.toString()]).toEqual([undefined, undefined, "a".repeat(2000)]);
    });
  });

  it("a gzip or brotli stream: each chunk the job sends can be read from what reached the client when it was sent", async () => {
    await onServe({}, async (base) => {
      const decoders = {
        gzip: (bytes: Buffer) => gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString(),
        br: (bytes: Buffer) => brotliDecompressSync(bytes, { finishFlush: constants.BROTLI_OPERATION_FLUSH }).toString(),
      };
      for (const [encoding, decode] of Object.entries(decoders)) {
        const got = await get(base, "/ticks", encoding);
        expect(got.headers["content-encoding"]).toBe(encoding);
        expect(decode(got.body)).toBe("tick 0\ntick 1\ntick 2\n");
        // When "tick 1" could first be read, 150 ms after "tick 0" was sent and 150 ms before "tick 2".
        const readable = (text: string) => got.arrivals[got.chunks.findIndex((_chunk, i) => decode(Buffer.concat(got.chunks.slice(0, i + 1))).includes(text))]!;
        expect(readable("tick 1") - readable("tick 0"), encoding).toBeGreaterThan(100);
        expect(readable("tick 2") - readable("tick 1"), encoding).toBeGreaterThan(100);
      }
    });
  });
});
