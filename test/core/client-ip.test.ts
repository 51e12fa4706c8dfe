/** ctx.clientIp from what a platform vouches for (its Peer), and how far X-Forwarded-For is trusted. */
import { describe, expect, it } from "vitest";
import { handle, job, prepare, type Peer } from "../../src/index.js";
import { wrap } from "jobwrap/lambda";
import { albEvent, responseOf, v2Event, type Json } from "../lambda/events.js";

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

  it("an entry is an address only whole: text before or after one, or a lone digit, is none", async () => {
    for (const entry of ["evil1.2.3.4", "1.2.3.4 evil", "1.2.3.4;x", "7", ""]) {
      expect(await clientIp({ address: "10.0.0.2", forwardedFor: `${entry}, 10.0.0.1` }, 2), entry).toBeNull();
    }
    expect(await clientIp({ address: "10.0.0.2", forwardedFor: "198.51.100.77, 10.0.0.1" }, 2)).toBe("198.51.100.77");
  });

  it("a dual-stack socket's IPv4 client keeps every octet whole; an address that only contains the mapped form stays as it is", async () => {
    expect(await clientIp({ address: "::ffff:10.200.30.40", forwardedFor: undefined })).toBe("10.200.30.40");
    expect(await clientIp({ address: "::FFFF:192.168.100.254", forwardedFor: undefined })).toBe("192.168.100.254");
    expect(await clientIp({ address: "1::ffff:10.0.0.1", forwardedFor: undefined })).toBe("1::ffff:10.0.0.1");
    expect(await clientIp({ address: "::ffff:1.2.3.4.5", forwardedFor: undefined })).toBe("::ffff:1.2.3.4.5");
  });

  it("is undefined where the platform tells no address", async () => {
    expect(await clientIp(undefined)).toBeNull();
  });
});

/**
 * Where the platform appends the peer's address to X-Forwarded-For itself: API Gateway (which
 * also reports it as `sourceIp`) and ALB (which reports it nowhere else). Played on Lambda events.
 */
describe("ctx.clientIp where the platform writes X-Forwarded-For", () => {
  const whoIsIt = job({}, (_input, ctx) => ({ body: { ip: ctx.clientIp ?? null } }));
  async function ipOf(event: Json, trustedProxies: number): Promise<unknown> {
    const result = await wrap(whoIsIt, { log: false, trustedProxies })(event, { awsRequestId: "ip-1" });
    return (JSON.parse(Buffer.from(responseOf(result).body).toString()) as { ip: unknown }).ip;
  }
  /** An HTTP API event from `sourceIp`, carrying exactly `xff` (or none). */
  function apiGateway(sourceIp: string, xff: string | undefined): Json {
    const event = v2Event({ method: "GET", path: "/" });
    event.requestContext.http.sourceIp = sourceIp;
    if (xff === undefined) delete event.headers["x-forwarded-for"];
    else event.headers["x-forwarded-for"] = xff;
    return event;
  }
  function alb(xff: string | undefined): Json {
    const event = albEvent({ method: "GET", path: "/" }, false);
    if (xff === undefined) delete event.headers["x-forwarded-for"];
    else event.headers["x-forwarded-for"] = xff;
    return event;
  }

  it("API Gateway: the entries before the one it appended for sourceIp are the request's chain", async () => {
    const event = apiGateway("10.0.0.9", "198.51.100.7, 203.0.113.9, 10.0.0.9");
    expect(await ipOf(event, 0)).toBe("10.0.0.9");
    expect(await ipOf(event, 1)).toBe("203.0.113.9");
    expect(await ipOf(event, 2)).toBe("198.51.100.7");
  });

  it("API Gateway: sourceIp alone, or first, in the header: no chain before it", async () => {
    expect(await ipOf(apiGateway("10.0.0.9", "10.0.0.9"), 1)).toBe("10.0.0.9");
    expect(await ipOf(apiGateway("10.0.0.9", "10.0.0.9, 203.0.113.9"), 1)).toBe("10.0.0.9");
    expect(await ipOf(apiGateway("10.0.0.9", undefined), 1)).toBe("10.0.0.9");
  });

  it("API Gateway: a header without sourceIp in it is the chain whole", async () => {
    expect(await ipOf(apiGateway("10.0.0.9", "198.51.100.7, 203.0.113.9"), 1)).toBe("203.0.113.9");
  });

  it("ALB: the last entry is the peer, those before it the chain", async () => {
    expect(await ipOf(alb("198.51.100.7, 203.0.113.9,10.0.0.1"), 0)).toBe("10.0.0.1");
    expect(await ipOf(alb("198.51.100.7, 203.0.113.9,10.0.0.1"), 1)).toBe("203.0.113.9");
    expect(await ipOf(alb("198.51.100.7, 203.0.113.9,10.0.0.1"), 2)).toBe("198.51.100.7");
  });

  it("ALB: one entry is the peer with no chain; an empty entry before it is no chain either", async () => {
    expect(await ipOf(alb("10.0.0.1"), 0)).toBe("10.0.0.1");
    expect(await ipOf(alb("10.0.0.1"), 1)).toBe("10.0.0.1");
    expect(await ipOf(alb(" ,10.0.0.1"), 1)).toBe("10.0.0.1");
  });

  it("ALB without X-Forwarded-For: no address", async () => {
    expect(await ipOf(alb(undefined), 1)).toBeNull();
  });
});
