// Compression on the Node server, over real HTTP: what is compressed, what is left alone, and
// that a compressed stream still streams.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
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
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), arrivals }));
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

  it("compresses a stream chunk by chunk: each reaches the client when the job sends it", async () => {
    const got = await get(base, "/ticks", "gzip");
    expect(got.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(got.body).toString()).toBe("tick 0\ntick 1\ntick 2\n");
    // Three chunks 150 ms apart: arrivals spread over at least 250 ms, not all at the end.
    expect(got.arrivals.at(-1)! - got.arrivals[0]!).toBeGreaterThan(250);
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
