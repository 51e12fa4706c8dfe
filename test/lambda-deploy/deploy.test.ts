import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { deploy as deployLines, dir, F, handlerZip, keyId, plane, region, role, secret, U, useControlPlane, zip } from "./harness.js";
import { sigv4Problem } from "./sigv4.js";

useControlPlane("jobwrap-lambda-deploy-");

/** The command's run, its err as one text. */
async function deploy(...args: string[]) {
  const run = await deployLines(...args);
  return { ...run, err: run.err.join("\n") };
}
const writes = (lines: string[]) => lines.filter((line) => !line.startsWith("GET "));

describe("jobwrap deploy lambda, on the wire", () => {
  test("a first deploy creates, waits, publishes, aliases and opens a public Function URL", async () => {
    const result = await deploy(...zip("v1"), "--role", role, "--env", "USERS_TABLE=users", "--memory", "256");
    expect(result.err).not.toMatch(/jobwrap deploy lambda:/);
    expect(result.code).toBe(0);
    expect(plane.lines()).toEqual([
      `GET ${F}`, // 404: no such function yet
      `POST /2015-03-31/functions`,
      `GET ${F}`, // State Pending
      `GET ${F}`, // State Active
      `GET ${F}/aliases/live`, // 404
      `POST ${F}/versions`,
      `POST ${F}/aliases`,
      `GET ${U}/url?Qualifier=live`, // 404
      `POST ${U}/url?Qualifier=live`,
      `GET ${F}/policy?Qualifier=live`, // 404
      `POST ${F}/policy?Qualifier=live`,
      `POST ${F}/policy?Qualifier=live`,
    ]);
    expect(plane.calls.map((call) => call.status)).toEqual([404, 201, 200, 200, 404, 201, 201, 404, 201, 404, 201, 201]);

    const create = plane.calls[1]!.body;
    expect(create).toMatchObject({
      FunctionName: "users",
      Role: role,
      Runtime: "nodejs24.x",
      Handler: "index.handler",
      MemorySize: 256,
      Timeout: 10,
      Environment: { Variables: { USERS_TABLE: "users" } },
      Architectures: ["arm64"],
      PackageType: "Zip",
    });
    expect(Buffer.from(create.Code.ZipFile, "base64")).toEqual(Buffer.from(handlerZip("v1")));
    expect(plane.calls[5]!.body.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(plane.calls[6]!.body).toEqual({ Name: "live", FunctionVersion: "1" });
    expect(plane.calls[8]!.body).toEqual({ AuthType: "NONE" });
    expect(plane.calls[10]!.body).toEqual({
      StatementId: "jobwrap-url-public-live",
      Action: "lambda:InvokeFunctionUrl",
      Principal: "*",
      FunctionUrlAuthType: "NONE",
    });
    expect(plane.calls[11]!.body).toEqual({
      StatementId: "jobwrap-url-invoke-live",
      Action: "lambda:InvokeFunction",
      Principal: "*",
      InvokedViaFunctionUrl: true,
    });
    expect(result.out).toEqual([expect.stringMatching(/^https:\/\/[0-9a-f]{32}\.lambda-url\.eu-west-1\.on\.aws\/$/)]);
    // Progress comes step by step, on stderr.
    expect(result.err).toMatch(/creating function users[\s\S]*waiting for the creation[\s\S]*published version 1[\s\S]*creating alias live[\s\S]*creating a Function URL/);
  });

  test("every request is SigV4-signed for lambda in the region, with the environment's key", async () => {
    await deploy(...zip("v1"), "--role", role);
    expect(plane.calls.length).toBeGreaterThan(5);
    for (const call of plane.calls) {
      expect(call.authorization).toContain(`Credential=${keyId}/`);
      expect(sigv4Problem(call, secret, { region, service: "lambda" })).toBeUndefined();
    }
    // And the check can fail: the wrong secret does not verify.
    expect(sigv4Problem(plane.calls[0]!, "another secret", { region, service: "lambda" })).toMatch(/does not match/);
  });

  test("a re-deploy with nothing changed only reads", async () => {
    await deploy(...zip("v1"), "--role", role, "--env", "A=1");
    const before = plane.calls.length;
    const again = await deploy(...zip("v1"), "--env", "A=1");
    expect(again.code).toBe(0);
    expect(plane.lines(before)).toEqual([
      `GET ${F}`,
      `GET ${F}/aliases/live`,
      `GET ${F}/configuration?Qualifier=1`,
      `GET ${U}/url?Qualifier=live`,
      `GET ${F}/policy?Qualifier=live`,
    ]);
    expect(again.out).toEqual(await deploy(...zip("v1"), "--env", "A=1").then((third) => third.out));
    expect(again.err).toMatch(/unchanged[\s\S]*version 1 already holds[\s\S]*already sends all traffic to version 1/);
  });

  test("a code change updates the code, waits, publishes version 2 and moves the alias", async () => {
    await deploy(...zip("v1"), "--role", role);
    const before = plane.calls.length;
    const result = await deploy(...zip("v2"));
    expect(result.code).toBe(0);
    expect(plane.lines(before)).toEqual([
      `GET ${F}`,
      `PUT ${F}/code`,
      `GET ${F}`, // LastUpdateStatus InProgress
      `GET ${F}`, // Successful
      `GET ${F}/aliases/live`,
      `POST ${F}/versions`,
      `PUT ${F}/aliases/live`,
      `GET ${U}/url?Qualifier=live`,
      `GET ${F}/policy?Qualifier=live`,
    ]);
    const [, code, , , , , move] = plane.calls.slice(before);
    expect(Buffer.from(code!.body.ZipFile, "base64")).toEqual(Buffer.from(handlerZip("v2")));
    expect(move!.body).toMatchObject({ FunctionVersion: "2", RoutingConfig: { AdditionalVersionWeights: {} } });
  });

  test("a configuration change updates only the configuration", async () => {
    await deploy(...zip("v1"), "--role", role);
    const before = plane.calls.length;
    expect((await deploy(...zip("v1"), "--timeout", "30", "--env", "GREETING=hi")).code).toBe(0);
    expect(writes(plane.lines(before))).toEqual([`PUT ${F}/configuration`, `POST ${F}/versions`, `PUT ${F}/aliases/live`]);
    expect(plane.calls.find((call) => call.path === `${F}/configuration`)!.body).toMatchObject({
      Timeout: 30,
      Environment: { Variables: { GREETING: "hi" } },
      Role: role,
    });
  });

  test("a canary sends a share of the alias to the new version, and --promote sends it all", async () => {
    await deploy(...zip("v1"), "--role", role);
    let before = plane.calls.length;
    const canary = await deploy(...zip("v2"), "--canary", "10");
    expect(canary.code).toBe(0);
    expect(writes(plane.lines(before))).toEqual([`PUT ${F}/code`, `POST ${F}/versions`, `PUT ${F}/aliases/live`]);
    expect(plane.calls.at(-3)!.body).toMatchObject({ FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } } });
    expect(plane.alias("users", "live")).toMatchObject({ FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } } });
    expect(canary.err).toContain("10% to version 2, the rest to version 1");

    // The same canary again changes nothing.
    before = plane.calls.length;
    expect((await deploy(...zip("v2"), "--canary", "10")).code).toBe(0);
    expect(writes(plane.lines(before))).toEqual([]);

    before = plane.calls.length;
    const promote = await deploy("--promote");
    expect(promote.code).toBe(0);
    expect(plane.lines(before)).toEqual([`GET ${F}/aliases/live`, `PUT ${F}/aliases/live`]);
    expect(plane.calls.at(-1)!.body).toMatchObject({ FunctionVersion: "2", RoutingConfig: { AdditionalVersionWeights: {} } });
    expect(plane.alias("users", "live")).toMatchObject({ FunctionVersion: "2" });
    expect(plane.alias("users", "live")!.RoutingConfig).toBeUndefined();

    before = plane.calls.length;
    expect((await deploy("--promote")).err).toMatch(/has no canary/);
    expect(plane.lines(before)).toEqual([`GET ${F}/aliases/live`]);
  });

  test("--url iam switches the URL to AWS_IAM and takes the public statements away; --url off removes it", async () => {
    await deploy(...zip("v1"), "--role", role);
    let before = plane.calls.length;
    const iam = await deploy(...zip("v1"), "--url", "iam");
    expect(iam.code).toBe(0);
    expect(writes(plane.lines(before))).toEqual([
      `PUT ${U}/url?Qualifier=live`,
      `DELETE ${F}/policy/jobwrap-url-public-live?Qualifier=live`,
      `DELETE ${F}/policy/jobwrap-url-invoke-live?Qualifier=live`,
    ]);
    expect(plane.calls.find((call) => call.method === "PUT" && call.path.startsWith(U))!.body).toEqual({ AuthType: "AWS_IAM" });
    expect(iam.out).toHaveLength(1);

    before = plane.calls.length;
    const off = await deploy(...zip("v1"), "--url", "off");
    expect(off.code).toBe(0);
    expect(writes(plane.lines(before))).toEqual([`DELETE ${U}/url?Qualifier=live`]);
    expect(off.out).toEqual([]);
  });
});

describe("jobwrap deploy lambda --url-cors: the Function URL's own CORS", () => {
  test("sets it on the URL, leaves it alone when unchanged, and takes it away when the flag goes", async () => {
    const origins = "https://app.example.com, https://admin.example.com";
    const first = await deploy(...zip("v1"), "--role", role, "--url-cors", origins);
    expect(first.code).toBe(0);
    const created = plane.calls.find((call) => call.method === "POST" && call.path.startsWith(U))!;
    expect(created.body).toEqual({
      AuthType: "NONE",
      Cors: {
        AllowOrigins: ["https://app.example.com", "https://admin.example.com"],
        AllowMethods: ["*"],
        AllowHeaders: ["content-type", "authorization"],
        ExposeHeaders: ["x-request-id"],
        MaxAge: 600,
      },
    });

    let before = plane.calls.length;
    expect((await deploy(...zip("v1"), "--url-cors", origins)).code).toBe(0);
    expect(writes(plane.lines(before))).toEqual([]);

    before = plane.calls.length;
    expect((await deploy(...zip("v1"))).code).toBe(0);
    expect(writes(plane.lines(before))).toEqual([`PUT ${U}/url?Qualifier=live`]);
    expect(plane.calls.slice(before).find((call) => call.method === "PUT" && call.path.startsWith(U))!.body).toEqual({ AuthType: "NONE", Cors: {} });
  });

  test("refuses --url-cors with --url off, or what is not an origin, before anything reaches AWS", async () => {
    for (const bad of [["--url", "off", "--url-cors", "https://a.test"], ["--url-cors", "https://a.test/path"]]) {
      const result = await deploy(...zip("v1"), "--role", role, ...bad);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/--url-cors/);
    }
    expect(plane.calls).toEqual([]);
  });
});

describe("jobwrap deploy lambda, when AWS says no", () => {
  test("no credentials: one clear line, exit 1, and no request sent", async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const result = await deploy(...zip("v1"), "--role", role);
    expect(result.code).toBe(1);
    expect(result.err).toBe("jobwrap deploy lambda: no AWS credentials found: set AWS_PROFILE (after `aws configure` or `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
    expect(plane.calls).toEqual([]);
  });

  test("AccessDenied: the action AWS names, exit 1, not retried", async () => {
    plane.failures.push({
      request: `GET ${F}`,
      status: 403,
      type: "AccessDeniedException",
      message: `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:GetFunction on resource: arn:aws:lambda:${region}:123456789012:function:users because no identity-based policy allows the lambda:GetFunction action`,
      times: 1,
    });
    const result = await deploy(...zip("v1"), "--role", role);
    expect(result.code).toBe(1);
    const last = result.err.split("\n").at(-1)!;
    expect(last).toMatch(/^jobwrap deploy lambda: access denied \(AccessDeniedException\): User: .* is not authorized to perform: lambda:GetFunction/);
    expect(plane.lines()).toEqual([`GET ${F}`]);
  });

  test("ResourceConflict while another update runs: retried with backoff, then it succeeds", async () => {
    await deploy(...zip("v1"), "--role", role);
    plane.busy("users", 2); // someone else's update, done two requests from now
    const before = plane.calls.length;
    const result = await deploy(...zip("v2"));
    expect(result.code).toBe(0);
    expect(plane.lines(before).slice(0, 5)).toEqual([`GET ${F}`, `PUT ${F}/code`, `PUT ${F}/code`, `GET ${F}`, `GET ${F}`]);
    expect(plane.calls.slice(before, before + 3).map((call) => call.status)).toEqual([200, 409, 200]);
    expect(result.err).toMatch(/another update is in progress \(ResourceConflictException\): retry 1 in/);
  });

  test("ResourceConflict that never ends: gives up after six tries with one line and exit 1", async () => {
    await deploy(...zip("v1"), "--role", role);
    plane.busy("users", 1000);
    const before = plane.calls.length;
    const result = await deploy(...zip("v2"));
    expect(result.code).toBe(1);
    expect(plane.lines(before)).toEqual([`GET ${F}`, ...Array(6).fill(`PUT ${F}/code`)]);
    expect(result.err.split("\n").at(-1)).toMatch(
      /^jobwrap deploy lambda: the function stayed busy with another update through 6 tries \(ResourceConflictException\): The operation cannot be performed at this time/,
    );
  });

  test("throttling (429 TooManyRequestsException) is retried by the SDK's standard strategy", async () => {
    await deploy(...zip("v1"), "--role", role);
    plane.failures.push({
      request: `POST ${F}/versions`,
      status: 429,
      type: "TooManyRequestsException",
      message: "Rate exceeded",
      times: 1,
      headers: { "retry-after": "0" },
    });
    const before = plane.calls.length;
    const result = await deploy(...zip("v2"));
    expect(result.code).toBe(0);
    const publishes = plane.calls.slice(before).filter((call) => call.path === `${F}/versions`);
    expect(publishes.map((call) => call.status)).toEqual([429, 201]);
  });

  test("throttling that outlasts the retries: one line naming it, exit 1", async () => {
    await deploy(...zip("v1"), "--role", role);
    plane.failures.push({ request: `GET ${F}/aliases/live`, status: 429, type: "TooManyRequestsException", message: "Rate exceeded", times: 3, headers: { "retry-after": "0" } });
    const before = plane.calls.length;
    const result = await deploy(...zip("v1"));
    expect(result.code).toBe(1);
    expect(plane.lines(before)).toEqual([`GET ${F}`, ...Array(3).fill(`GET ${F}/aliases/live`)]);
    expect(result.err.split("\n").at(-1)).toBe(
      "jobwrap deploy lambda: AWS is throttling Lambda API calls (TooManyRequestsException) after 3 attempts; try again later: Rate exceeded",
    );
  });

  test("a missing role for a new function, and bad flags, are usage errors before any request", async () => {
    const noRole = await deploy(...zip("v1"));
    expect(noRole.code).toBe(1);
    expect(noRole.err.split("\n").at(-1)).toBe("jobwrap deploy lambda: function users does not exist yet: pass --role <execution role ARN> to create it");
    const before = plane.calls.length;
    for (const bad of [["--memory", "64"], ["--canary", "100"], ["--url", "public"], ["--runtime", "nodejs20.x"], ["--env", "NOEQUALS"]]) {
      const result = await deploy(...zip("v1"), ...bad);
      expect(result.code, bad.join(" ")).toBe(2);
    }
    expect(plane.calls.length).toBe(before);
  });
});

describe("jobwrap deploy lambda <entry>", () => {
  test("builds the entry as `jobwrap build lambda` does and uploads that zip", async () => {
    const out = join(dir, "build");
    const result = await deploy("examples/lambda/handler.ts", "--out", out, "--role", role);
    expect(result.err.split("\n").at(-1)).toMatch(/^deployed users: alias live → version 1$/);
    expect(result.err.split("\n").slice(0, 2)).toEqual(["  building examples/lambda/handler.ts (as `jobwrap build lambda` does)", `  built ${join(out, "function.zip")}`]);
    expect(result.code).toBe(0);
    const create = plane.calls.find((call) => call.path === "/2015-03-31/functions")!;
    expect(create.body.Handler).toBe("index.handler");
    expect(Buffer.from(create.body.Code.ZipFile, "base64")).toEqual(await readFile(join(out, "function.zip")));
  });
});
