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

it("a Worker using none of the new features weighs at most 1 KiB gzip more than before them", async () => {
  const code = await bundle("test/workers/plain-worker.ts", true);
  const gzipped = gzipSync(code, { level: 9 }).length;
  expect(gzipped).toBeLessThanOrEqual(before + 1024);
  // The multipart parser's own code stays out: it loads with multipart() only.
  expect(code).not.toContain("MaxFileSizeExceededError");
});
