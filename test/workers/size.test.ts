// CORS, cookies, uploads and shared extractors cost nothing to an app that uses none of them:
// its Worker, minified and gzipped as wrangler uploads it, stays within 1 KiB of what the same
// app weighed before they existed.
import { gzipSync } from "node:zlib";
import { expect, it } from "vitest";
import { bundle } from "./bundle.js";

/**
 * test/workers/plain-worker.ts bundled from the commit before them (65cf2ae), minified, gzip
 * level 9: 23,644 bytes, 9,273 gzipped.
 */
const before = 9273;

/**
 * What every Worker now carries whatever it uses (issue 16): `ctx.clientIp` from CF-Connecting-IP,
 * `ctx.identity`, `raw(ctx)`, the log level threshold and records at their level for Workers Logs.
 * Measured on the same worker at that branch alone: 9,975 bytes gzipped, 702 over `before`.
 */
const platformFeatures = 768;

/**
 * jobwrap's own route matcher (issue 18: flat in the number of routes) in place of Hono's
 * PatternRouter: 11,058 bytes gzipped before it, 11,093 with it, on this worker.
 */
const router = 35;

/**
 * Issue 18's hot-path changes, on this worker: the JSON depth scan that skips strings with
 * `indexOf`, the deadline list dropping a finished call at once, `ctx.waitUntil` made when first
 * read, the route tree `routes()` builds kept for its matchers, no stack captured for a 4xx
 * `HttpError`: 11,093 → 11,208 bytes gzipped.
 */
const hotPath = 115;

/**
 * Issue 18's next round, on this worker: the JSON scan that also notes strings spelled as the
 * prototype words (one pass instead of the scan and two substring searches), the route matcher's
 * list of missed methods emptied only when filled (11,208 → 11,270 bytes gzipped), and core taking
 * a maker of fresh request ids from its adapter (→ 11,308; the Node one itself stays out).
 */
const nextRound = 100;

it("a Worker using none of the new features weighs at most 1 KiB gzip more than before them", async () => {
  const code = await bundle("test/workers/plain-worker.ts", true);
  const gzipped = gzipSync(code, { level: 9 }).length;
  expect(gzipped).toBeLessThanOrEqual(before + platformFeatures + router + hotPath + nextRound + 1024);
  // The multipart parser's own code stays out: it loads with multipart() only.
  expect(code).not.toContain("MaxFileSizeExceededError");
});
