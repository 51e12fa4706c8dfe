/**
 * The client's address from what the platform vouches for (`Peer`). `X-Forwarded-For` is anyone's
 * to write: an entry is read only when a proxy the app trusts appended it, counted from the
 * right, as each proxy appends the address it saw (Heroku's router, Google's front end, an ingress).
 */
import type { Peer } from "./types.js";

/** An IPv4 or IPv6 address, nothing else: a forwarded entry that is not one is not an address. */
const address = /^(?:[\d.]{7,15}|[\da-f:.]{2,45})$/i;
const mappedV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

function plain(entry: string | undefined): string | undefined {
  const trimmed = entry?.trim();
  if (!trimmed || !address.test(trimmed)) return undefined;
  // A dual-stack socket reports an IPv4 client as `::ffff:a.b.c.d`: the client's address is a.b.c.d.
  return mappedV4.exec(trimmed)?.[1] ?? trimmed;
}

/**
 * With no trusted proxy, the peer's address; behind `trustedProxies` of them, the entry the
 * furthest one appended (the furthest entry there is, when the chain is shorter).
 */
export function clientIpOf(peer: Peer | undefined, trustedProxies: number): string | undefined {
  if (peer === undefined) return undefined;
  if (trustedProxies <= 0 || !peer.forwardedFor) return plain(peer.address);
  const hops = peer.forwardedFor.split(",");
  return plain(hops[Math.max(0, hops.length - trustedProxies)]);
}

/**
 * Splits `X-Forwarded-For` at the entry the platform appended for the address it reports
 * (API Gateway, ALB, Cloudflare and Google's front end each append one): what came before it
 * is the chain the request brought. Undefined when there is none.
 */
export function forwardedBefore(header: string | undefined, own: string): string | undefined {
  if (!header) return undefined;
  const hops = header.split(",").map((hop) => hop.trim());
  const at = hops.lastIndexOf(own);
  if (at < 0) return header;
  return at === 0 ? undefined : hops.slice(0, at).join(", ");
}

/**
 * The peer where the platform's front end says it only by appending it to `X-Forwarded-For`
 * (ALB, Google's front end): the last entry, and what came before it. Undefined without the header.
 */
export function lastForwarded(header: string | undefined): Peer | undefined {
  if (!header) return undefined;
  const at = header.lastIndexOf(",");
  const before = at < 0 ? "" : header.slice(0, at).trim();
  return { address: header.slice(at + 1).trim(), forwardedFor: before === "" ? undefined : before };
}
