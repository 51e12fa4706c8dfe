/**
 * Fresh request ids made in JavaScript, for the adapters on Node (the server, Cloud Functions):
 * Node's `crypto.randomUUID` joins its id from 20 strings, ~650 bytes of garbage per request,
 * which was 5% of what a GET allocated on the Node server. Where `randomUUID` is native and
 * cheap (Workers), core keeps it, and this code stays out of the bundle.
 */

/** Random bytes for fresh ids, drawn for 256 ids at once (Node's own `randomUUID` also draws ahead, for 128). */
const pool = new Uint8Array(4096);
let drawn = pool.length;

/**
 * A version 4 UUID, as `crypto.randomUUID()` gives, made as one string (~60 bytes allocated per id).
 * The bytes are drawn when first needed, not when the module loads.
 */
export function freshId(): string {
  if (drawn === pool.length) {
    crypto.getRandomValues(pool);
    drawn = 0;
  }
  const p = pool;
  const at = drawn;
  drawn += 16;
  // Every digit in one call: a string built piece by piece allocates each piece.
  return String.fromCharCode(
    high(p[at]!), low(p[at]!), high(p[at + 1]!), low(p[at + 1]!), high(p[at + 2]!), low(p[at + 2]!), high(p[at + 3]!), low(p[at + 3]!), 0x2d,
    high(p[at + 4]!), low(p[at + 4]!), high(p[at + 5]!), low(p[at + 5]!), 0x2d,
    // The version, 4; then the variant, whose two high bits are 10.
    0x34, low(p[at + 6]!), high(p[at + 7]!), low(p[at + 7]!), 0x2d,
    high(0x80 | (p[at + 8]! & 0x3f)), low(p[at + 8]!), high(p[at + 9]!), low(p[at + 9]!), 0x2d,
    high(p[at + 10]!), low(p[at + 10]!), high(p[at + 11]!), low(p[at + 11]!), high(p[at + 12]!), low(p[at + 12]!),
    high(p[at + 13]!), low(p[at + 13]!), high(p[at + 14]!), low(p[at + 14]!), high(p[at + 15]!), low(p[at + 15]!),
  );
}

/** The character code of a byte's high and low hex digit, lower case. */
function high(byte: number): number {
  return hexDigit(byte >> 4);
}

function low(byte: number): number {
  return hexDigit(byte & 15);
}

function hexDigit(value: number): number {
  return value < 10 ? 0x30 + value : 0x57 + value;
}
