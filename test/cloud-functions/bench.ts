/**
 * What the adapter costs on the functions-framework: requests per second and latency of the
 * users jobs next to a bare HTTP function answering the same bytes, both on `getTestServer`.
 * Run: npx tsx test/cloud-functions/bench.ts   (autocannon, 50 connections, 5 s a row)
 */
import { execFile } from "node:child_process";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import * as functions from "@google-cloud/functions-framework";
import { getTestServer } from "@google-cloud/functions-framework/testing";
import { job, routes } from "jobwrap";
import { register } from "jobwrap/cloud-functions";
import { User, userGet, users as store } from "../../examples/users/index.js";

const run = promisify(execFile);

const users = routes({
  "POST /user": job({ body: User }, ({ body }) => ({ status: 201, body })),
  "GET /user/:name": userGet,
});

await store({ env: {} }).create({ name: "Alice" });

functions.http("bare", (req, res) => {
  if (req.method === "POST") res.status(201).json(req.body);
  else if (req.path === "/user/Alice") res.json({ name: "Alice" });
  else res.status(404).json({ detail: "no user" });
});
register("jobwrap", users, { log: false });

const post = ["-m", "POST", "-H", "content-type=application/json", "-b", '{"name":"Alice"}'];
const rows: [string, string, string, string[]][] = [
  ["bare function, POST JSON", "bare", "/user", post],
  ["jobwrap, POST /user (body validated)", "jobwrap", "/user", post],
  ["bare function, GET 200", "bare", "/user/Alice", []],
  ["jobwrap, GET /user/Alice (params validated)", "jobwrap", "/user/Alice", []],
  ["bare function, GET 404", "bare", "/user/Nobody", []],
  ["jobwrap, GET /user/Nobody (problem+json)", "jobwrap", "/user/Nobody", []],
];

interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

console.log(`node ${process.version}, autocannon -c 50 -d 5`);
console.log("| case | req/s | p50 ms | p99 ms |\n|---|---|---|---|");
for (const [label, name, path, args] of rows) {
  const server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const { stdout } = await run("npx", ["autocannon", "-c", "50", "-d", "5", "-j", ...args, url], { maxBuffer: 1 << 24 });
  const result = JSON.parse(stdout) as Result;
  console.log(`| ${label} | ${Math.round(result.requests.average)} | ${result.latency.p50} | ${result.latency.p99} |`);
  await new Promise((resolve) => server.close(resolve));
}
