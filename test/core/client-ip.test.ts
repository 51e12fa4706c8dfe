/** ctx.clientIp from what a platform vouches for (its Peer), and how far X-Forwarded-For is trusted. */
import { describe, expect, it } from "vitest";
import { handle, job, prepare, type Peer } from "../../src/index.js";

async function clientIp(peer: Peer | undefined, trustedProxies?: number): Promise<unknown> {
  const app = prepare(job({}, (_input, ctx) => ({ body: { ip: ctx.clientIp ?? null } })), { log: false, trustedProxies });
  const out = await handle(app, { method: "GET", path: "/", query: "", headers: {} }, { name: "test", env: {}, peer: () => peer });
  return (JSON.parse(out.body as string) as { ip: unknown }).ip;
}

describe("ctx.clientIp", () => {
  it("is the peer's address, whatever X-Forwarded-For says, with no proxy trusted", async () => {
    expect(await clientIp({ address: "192.0.2.1", forwardedFor: "203.0.113.9" })).toBe("192.0.2.1");
  });

  it("counts trusted proxies from the right; a chain shorter than them gives its furthest entry", async () => {
    const peer = { address: "10.0.0.2", forwardedFor: "198.51.100.7, 203.0.113.9, 10.0.0.1" };
    expect(await clientIp(peer, 1)).toBe("10.0.0.1");
    expect(await clientIp(peer, 2)).toBe("203.0.113.9");
    expect(await clientIp(peer, 9)).toBe("198.51.100.7");
    expect(await clientIp({ address: "10.0.0.2", forwardedFor: undefined }, 1)).toBe("10.0.0.2");
  });

  it("reads an IPv4 client on a dual-stack socket as IPv4, keeps IPv6, and refuses what is no address", async () => {
    expect(await clientIp({ address: "::ffff:127.0.0.1", forwardedFor: undefined })).toBe("127.0.0.1");
    expect(await clientIp({ address: "2001:db8::1", forwardedFor: undefined })).toBe("2001:db8::1");
    expect(await clientIp({ address: "10.0.0.2", forwardedFor: "<script>" }, 1)).toBeNull();
  });

  it("is undefined where the platform tells no address", async () => {
    expect(await clientIp(undefined)).toBeNull();
  });
});
