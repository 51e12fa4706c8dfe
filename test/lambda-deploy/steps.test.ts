// `jobwrap deploy lambda`, step by step: each step's progress line and wire requests against the
// loopback control plane, and how each kind of failure at each step is told. deploy.test.ts runs
// whole deploys; this file pins down what each step says and sends.
import { CreateFunctionCommand, CreateFunctionUrlConfigCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { describe, expect, test, vi } from "vitest";
import { runDeploy } from "../../src/cli/commands/deploy.js";
import { deploy, F, handlerZip, plane, region, role, U, useControlPlane, zip } from "./harness.js";

useControlPlane("jobwrap-lambda-steps-");
const credentials = "  using AWS credentials AKIA…EY01 in eu-west-1";

/** A first deploy of v1, then the calls and lines of what follows. */
async function afterFirst(...args: string[]) {
  expect((await deploy(...zip("v1"), "--role", role)).code).toBe(0);
  const before = plane.calls.length;
  const result = await deploy(...args);
  return { ...result, lines: plane.lines(before), calls: plane.calls.slice(before) };
}

describe("each step's progress line", () => {
  test("a first deploy: credentials, creation, version, alias, URL and its two permissions, then the result", async () => {
    const result = await deploy(...zip("v1"), "--role", role);
    expect(result.code).toBe(0);
    expect(result.err).toEqual([
      credentials,
      "  creating function users (nodejs24.x, arm64, 512 MB, 10 s)",
      "  waiting for the creation of users to finish",
      "  published version 1",
      "  creating alias live: all traffic to version 1",
      "  creating a Function URL for users:live (auth NONE)",
      "  allowing public lambda:InvokeFunctionUrl on users:live",
      "  allowing public lambda:InvokeFunction on users:live",
      "deployed users: alias live → version 1",
    ]);
    expect(result.out).toEqual([expect.stringMatching(/^https:\/\/[0-9a-f]{32}\.lambda-url\.eu-west-1\.on\.aws\/$/)]);
  });

  test("a re-deploy of the same: every step says it has nothing to do", async () => {
    const again = await afterFirst(...zip("v1"));
    expect(again.err).toEqual([
      credentials,
      "  function users: code and configuration unchanged",
      "  version 1 already holds this code and configuration",
      "  alias live already sends all traffic to version 1",
      "  Function URL unchanged (auth NONE)",
      "  public access permissions already in place",
      "deployed users: alias live → version 1",
    ]);
    expect(again.lines.filter((line) => !line.startsWith("GET "))).toEqual([]);
  });

  test("new code: updated, waited for, published and the alias moved", async () => {
    const next = await afterFirst(...zip("v2"));
    expect(next.err).toEqual([
      credentials,
      "  updating code of users",
      "  waiting for the update of users to finish",
      "  published version 2",
      "  moving alias live: all traffic to version 2",
      "  Function URL unchanged (auth NONE)",
      "  public access permissions already in place",
      "deployed users: alias live → version 2",
    ]);
    expect(next.calls.find((call) => call.method === "PUT" && call.path === `${F}/code`)!.body).toEqual({
      ZipFile: Buffer.from(handlerZip("v2")).toString("base64"),
      Architectures: ["arm64"],
    });
    const move = next.calls.find((call) => call.method === "PUT" && call.path === `${F}/aliases/live`)!.body;
    expect(move).toEqual({ FunctionVersion: "2", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: expect.any(String) });
  });

  test("another architecture is a code change, alone or with new code", async () => {
    const arch = await afterFirst(...zip("v1"), "--arch", "x86_64");
    expect(arch.err[1]).toBe("  updating architecture of users");
    expect(arch.calls.find((call) => call.path === `${F}/code`)!.body.Architectures).toEqual(["x86_64"]);
    const both = await deploy(...zip("v2"), "--arch", "arm64");
    expect(both.err[1]).toBe("  updating code and architecture of users");
  });

  test("new code and a setting at once: both updated, each waited for, then published", async () => {
    const both = await afterFirst(...zip("v2"), "--memory", "1024");
    expect(both.err.slice(1, 7)).toEqual([
      "  updating code of users",
      "  waiting for the update of users to finish",
      "  updating memory of users",
      "  waiting for the update of users to finish",
      "  published version 2",
      "  moving alias live: all traffic to version 2",
    ]);
  });

  test("--url-cors with no origin in it is no CORS", async () => {
    const first = await deploy(...zip("v1"), "--role", role, "--url-cors", " , ");
    expect(first.err[5]).toBe("  creating a Function URL for users:live (auth NONE)");
    expect(plane.calls.find((call) => call.method === "POST" && call.path === `${U}/url?Qualifier=live`)!.body).toEqual({ AuthType: "NONE" });
  });

  test("--url-cors with two origins: both named on creation", async () => {
    const first = await deploy(...zip("v1"), "--role", role, "--url-cors", "https://app.example.com,https://admin.example.com");
    expect(first.err[5]).toBe("  creating a Function URL for users:live (auth NONE, CORS for https://app.example.com, https://admin.example.com)");
  });

  test("each setting that differs is named, and the role kept when not given", async () => {
    const changed = await afterFirst(...zip("v1"), "--runtime", "nodejs22.x", "--handler", "main.handler", "--memory", "1024", "--timeout", "30", "--env", "A=1");
    expect(changed.err.slice(1, 3)).toEqual(["  updating runtime, handler, memory, timeout, environment of users", "  waiting for the update of users to finish"]);
    expect(changed.calls.find((call) => call.method === "PUT" && call.path === `${F}/configuration`)!.body).toEqual({
      Runtime: "nodejs22.x",
      Handler: "main.handler",
      MemorySize: 1024,
      Timeout: 30,
      Environment: { Variables: { A: "1" } },
      Role: role,
    });
    const other = "arn:aws:iam::123456789012:role/other";
    const roleOnly = await deploy(...zip("v1"), "--runtime", "nodejs22.x", "--handler", "main.handler", "--memory", "1024", "--timeout", "30", "--env", "A=1", "--role", other);
    expect(roleOnly.err[1]).toBe("  updating role of users");
    const sameRole = await deploy(...zip("v1"), "--runtime", "nodejs22.x", "--handler", "main.handler", "--memory", "1024", "--timeout", "30", "--env", "A=1", "--role", other);
    expect(sameRole.err[1]).toBe("  function users: code and configuration unchanged");
  });

  test("a function made elsewhere with Lambda's defaults (x86_64, no environment) is taken over as it is", async () => {
    const client = new LambdaClient({ region, endpoint: plane.endpoint });
    try {
      await client.send(
        new CreateFunctionCommand({ FunctionName: "users", Role: role, Runtime: "nodejs24.x", Handler: "index.handler", MemorySize: 512, Timeout: 10, Code: { ZipFile: handlerZip("v1") } }),
      );
    } finally {
      client.destroy();
    }
    const same = await deploy(...zip("v1"), "--arch", "x86_64");
    expect(same.code).toBe(0);
    expect(same.err.slice(1, 4)).toEqual(["  function users: code and configuration unchanged", "  published version 1", "  creating alias live: all traffic to version 1"]);
    expect((await deploy(...zip("v1"))).err[1]).toBe("  updating architecture of users");
    expect((await deploy(...zip("v1"), "--env", "A=1")).err[1]).toBe("  updating environment of users");
  });

  test("an alias behind $LATEST moves to the version that holds it: another alias's code, or its settings", async () => {
    await deploy(...zip("v1"), "--role", role);
    expect((await deploy(...zip("v2"), "--alias", "staging")).err.slice(3, 5)).toEqual(["  published version 2", "  creating alias staging: all traffic to version 2"]);
    const code = await deploy(...zip("v2"));
    expect(code.err.slice(1, 4)).toEqual([
      "  function users: code and configuration unchanged",
      "  published version 2",
      "  moving alias live: all traffic to version 2",
    ]);
    expect(plane.alias("users", "live")).toMatchObject({ FunctionVersion: "2" });

    expect((await deploy(...zip("v2"), "--env", "A=1", "--alias", "staging")).err.slice(3, 5)).toEqual([
      "  published version 3",
      "  moving alias staging: all traffic to version 3",
    ]);
    const settings = await deploy(...zip("v2"), "--env", "A=1");
    expect(settings.err.slice(1, 4)).toEqual([
      "  function users: code and configuration unchanged",
      "  published version 3",
      "  moving alias live: all traffic to version 3",
    ]);
  });

  test("the same code again with --canary: no other version to share with, the alias left as it is", async () => {
    const again = await afterFirst(...zip("v1"), "--canary", "10");
    expect(again.err.slice(1, 5)).toEqual([
      "  function users: code and configuration unchanged",
      "  version 1 already holds this code and configuration",
      "  no earlier version behind alias live to share traffic with: sending it all to version 1",
      "  alias live already sends all traffic to version 1",
    ]);
    expect(again.lines.filter((line) => !line.startsWith("GET "))).toEqual([]);
  });

  test("a new canary while one runs takes the old one's place, beside the same version", async () => {
    await afterFirst(...zip("v2"), "--canary", "10");
    const next = await deploy(...zip("v2"), "--env", "A=1", "--canary", "10");
    expect(next.err.slice(3, 5)).toEqual(["  published version 3", "  moving alias live: 10% to version 3, the rest to version 1"]);
    expect(plane.alias("users", "live")).toMatchObject({ FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: { "3": 0.1 } } });
  });

  test("the environment is compared as a set of variables", async () => {
    await afterFirst(...zip("v1"), "--env", "A=1", "--env", "B=2");
    expect((await deploy(...zip("v1"), "--env", "B=2", "--env", "A=1")).err[1]).toBe("  function users: code and configuration unchanged");
    expect((await deploy(...zip("v1"), "--env", "A=1", "--env", "B=3")).err[1]).toBe("  updating environment of users");
    expect((await deploy(...zip("v1"), "--env", "A=1")).err[1]).toBe("  updating environment of users");
    expect((await deploy(...zip("v1"), "--env", "A=1", "--env", "C=")).err[1]).toBe("  updating environment of users");
    expect((await deploy(...zip("v1"))).err[1]).toBe("  updating environment of users");
    expect((await deploy(...zip("v1"))).err[1]).toBe("  function users: code and configuration unchanged");
  });

  test("a canary: its share beside the version serving now, then promoted", async () => {
    const canary = await afterFirst(...zip("v2"), "--canary", "12.345");
    expect(canary.err.slice(3)).toEqual([
      "  published version 2",
      "  moving alias live: 12.3% to version 2, the rest to version 1",
      "  Function URL unchanged (auth NONE)",
      "  public access permissions already in place",
      "deployed users: alias live → version 2",
    ]);
    expect(plane.alias("users", "live")).toMatchObject({ FunctionVersion: "1", RoutingConfig: { AdditionalVersionWeights: { "2": 0.12345 } } });
    const same = await deploy(...zip("v2"), "--canary", "12.345");
    expect(same.err.slice(1, 4)).toEqual([
      "  function users: code and configuration unchanged",
      "  version 2 already holds this code and configuration",
      "  alias live already sends 12.3% to version 2, the rest to version 1",
    ]);
    const more = await deploy(...zip("v2"), "--canary", "50");
    expect(more.err[3]).toBe("  moving alias live: 50% to version 2, the rest to version 1");
    const promoted = await deploy("--promote");
    expect(promoted).toEqual({
      code: 0,
      out: [],
      err: [credentials, "  moving alias live: all traffic to version 2", "promoted: alias live of users sends all traffic to version 2"],
    });
    expect(plane.alias("users", "live")).toMatchObject({ FunctionVersion: "2" });
    expect(plane.alias("users", "live")!.RoutingConfig).toBeUndefined();
    expect((await deploy("--promote")).err).toEqual([
      credentials,
      "  alias live has no canary: it sends all traffic to version 2",
      "promoted: alias live of users sends all traffic to version 2",
    ]);
  });

  test("a canary with no earlier version sends it all to the new one", async () => {
    const first = await deploy(...zip("v1"), "--role", role, "--canary", "10");
    expect(first.err.slice(3, 5)).toEqual([
      "  published version 1",
      "  no earlier version behind alias live to share traffic with: sending it all to version 1",
    ]);
    expect(first.err[5]).toBe("  creating alias live: all traffic to version 1");
    const created = plane.calls.find((call) => call.method === "POST" && call.path === `${F}/aliases`)!.body;
    expect(created).toEqual({ Name: "live", FunctionVersion: "1" });
  });

  test("--promote with no alias yet: nothing to promote, exit code 1", async () => {
    expect(await deploy("--promote")).toEqual({ code: 1, out: [], err: [credentials, "jobwrap deploy lambda: alias live of users does not exist: deploy first"] });
  });

  test("--url iam, then off, then none again: each change of the URL and its permissions", async () => {
    const iam = await afterFirst(...zip("v1"), "--url", "iam");
    expect(iam.err.slice(4)).toEqual([
      "  changing the Function URL's auth from NONE to AWS_IAM",
      "  removing public lambda:InvokeFunctionUrl from users:live",
      "  removing public lambda:InvokeFunction from users:live",
      "deployed users: alias live → version 1",
    ]);
    expect(iam.out).toEqual([expect.stringMatching(/^https:\/\//)]);
    expect(iam.lines.filter((line) => !line.startsWith("GET "))).toEqual([
      `PUT ${U}/url?Qualifier=live`,
      `DELETE ${F}/policy/jobwrap-url-public-live?Qualifier=live`,
      `DELETE ${F}/policy/jobwrap-url-invoke-live?Qualifier=live`,
    ]);
    expect(iam.calls.find((call) => call.method === "PUT")!.body).toEqual({ AuthType: "AWS_IAM" });
    const iamAgain = await deploy(...zip("v1"), "--url", "iam");
    expect(iamAgain.err.slice(4)).toEqual(["  Function URL unchanged (auth AWS_IAM)", "deployed users: alias live → version 1"]);
    const off = await deploy(...zip("v1"), "--url", "off");
    expect(off).toMatchObject({ code: 0, out: [] });
    expect(off.err.slice(4)).toEqual(["  removing the Function URL of users:live", "deployed users: alias live → version 1"]);
    const offAgain = await deploy(...zip("v1"), "--url", "off");
    expect(offAgain.err.slice(4)).toEqual(["deployed users: alias live → version 1"]);
    const none = await deploy(...zip("v1"));
    expect(none.err.slice(4)).toEqual([
      "  creating a Function URL for users:live (auth NONE)",
      "  allowing public lambda:InvokeFunctionUrl on users:live",
      "  allowing public lambda:InvokeFunction on users:live",
      "deployed users: alias live → version 1",
    ]);
  });

  test("--url off takes a public URL's permissions away with it", async () => {
    const off = await afterFirst(...zip("v1"), "--url", "off");
    expect(off.err.slice(4)).toEqual([
      "  removing the Function URL of users:live",
      "  removing public lambda:InvokeFunctionUrl from users:live",
      "  removing public lambda:InvokeFunction from users:live",
      "deployed users: alias live → version 1",
    ]);
  });

  test("--url-cors: the URL's CORS set, changed and taken away, each said", async () => {
    const cors = { AllowOrigins: ["https://app.example.com"], AllowMethods: ["*"], AllowHeaders: ["content-type", "authorization"], ExposeHeaders: ["x-request-id"], MaxAge: 600 };
    const first = await deploy(...zip("v1"), "--role", role, "--url-cors", "https://app.example.com", "--url", "iam");
    expect(first.err[5]).toBe("  creating a Function URL for users:live (auth AWS_IAM, CORS for https://app.example.com)");
    expect(plane.calls.find((call) => call.method === "POST" && call.path === `${U}/url?Qualifier=live`)!.body).toEqual({ AuthType: "AWS_IAM", Cors: cors });
    const two = await deploy(...zip("v1"), "--url-cors", "https://app.example.com,https://admin.example.com", "--url", "iam");
    expect(two.err.slice(4, 5)).toEqual(["  setting the Function URL's CORS for https://app.example.com, https://admin.example.com"]);
    expect(plane.calls.findLast((call) => call.method === "PUT")!.body).toEqual({
      AuthType: "AWS_IAM",
      Cors: { ...cors, AllowOrigins: ["https://app.example.com", "https://admin.example.com"] },
    });
    const none = await deploy(...zip("v1"), "--url", "iam");
    expect(none.err.slice(4, 5)).toEqual(["  removing the Function URL's CORS"]);
    expect(plane.calls.findLast((call) => call.method === "PUT")!.body).toEqual({ AuthType: "AWS_IAM", Cors: {} });
    const both = await deploy(...zip("v1"), "--url-cors", "*");
    expect(both.err.slice(4, 6)).toEqual(["  changing the Function URL's auth from AWS_IAM to NONE", "  setting the Function URL's CORS for *"]);
  });

  test("a Function URL made elsewhere with an empty CORS is one without: left unchanged", async () => {
    expect((await deploy(...zip("v1"), "--role", role, "--url", "off")).code).toBe(0);
    const client = new LambdaClient({ region, endpoint: plane.endpoint });
    try {
      await client.send(new CreateFunctionUrlConfigCommand({ FunctionName: "users", Qualifier: "live", AuthType: "NONE", Cors: {} }));
    } finally {
      client.destroy();
    }
    const before = plane.calls.length;
    const again = await deploy(...zip("v1"));
    expect(again.err.slice(4)).toEqual([
      "  Function URL unchanged (auth NONE)",
      "  allowing public lambda:InvokeFunctionUrl on users:live",
      "  allowing public lambda:InvokeFunction on users:live",
      "deployed users: alias live → version 1",
    ]);
    expect(plane.lines(before).filter((line) => line.startsWith("PUT "))).toEqual([]);
  });
});

describe("a step that fails", () => {
  test("a creation Lambda cannot finish: its reason, exit code 1", async () => {
    plane.failNextChange("users", "The role defined for the function cannot be assumed by Lambda.");
    const result = await deploy(...zip("v1"), "--role", role);
    expect(result.code).toBe(1);
    expect(result.err.at(-1)).toBe(
      "jobwrap deploy lambda: the creation of users did not finish (State Failed, LastUpdateStatus undefined): The role defined for the function cannot be assumed by Lambda.",
    );
    expect(plane.lines().at(-1)).toBe(`GET ${F}/configuration`);
  });

  test("an update Lambda cannot finish: its reason, exit code 1, nothing published", async () => {
    await deploy(...zip("v1"), "--role", role);
    plane.failNextChange("users", "Could not unzip uploaded file.");
    const before = plane.calls.length;
    const result = await deploy(...zip("v2"));
    expect(result.code).toBe(1);
    expect(result.err.at(-1)).toBe(
      "jobwrap deploy lambda: the update of users did not finish (State Active, LastUpdateStatus Failed): Could not unzip uploaded file.",
    );
    expect(plane.lines(before).filter((line) => line.startsWith("POST"))).toEqual([]);
  });

  test("a refusal inside a step that retries conflicts is not retried", async () => {
    await deploy(...zip("v1"), "--role", role);
    plane.failures.push({ request: `PUT ${F}/code`, status: 403, type: "AccessDeniedException", message: "not allowed: lambda:UpdateFunctionCode", times: 1 });
    const before = plane.calls.length;
    const result = await deploy(...zip("v2"));
    expect(result.code).toBe(1);
    expect(result.err.at(-1)).toBe("jobwrap deploy lambda: access denied (AccessDeniedException): not allowed: lambda:UpdateFunctionCode");
    expect(plane.lines(before)).toEqual([`GET ${F}`, `PUT ${F}/code`]);
  });

  test("a conflict is retried, each retry a progress line with its delay", async () => {
    await deploy(...zip("v1"), "--role", role);
    plane.busy("users", 3);
    const result = await deploy(...zip("v2"));
    expect(result.code).toBe(0);
    const retries = result.err.filter((line) => line.includes("retry"));
    expect(retries).toEqual([
      expect.stringMatching(/^ {2}another update is in progress \(ResourceConflictException\): retry 1 in 0\.0 s$/),
      expect.stringMatching(/^ {2}another update is in progress \(ResourceConflictException\): retry 2 in 0\.0 s$/),
    ]);
  });

  test("without a test's pacing, a conflict's first retry waits up to 1 s times a random share, doubling", async () => {
    await deploy(...zip("v1"), "--role", role);
    await deploy(...zip("v2"), "--canary", "10");
    const message = "The operation cannot be performed at this time.";
    plane.failures.push({ request: `PUT ${F}/aliases/live`, status: 409, type: "ResourceConflictException", message, times: 2 });
    const err: string[] = [];
    const random = vi.spyOn(Math, "random").mockReturnValue(0.1);
    try {
      const code = await runDeploy(["lambda", "--name", "users", "--region", region, "--endpoint", plane.endpoint, "--promote"], { out: () => {}, err: (line) => err.push(line) });
      expect(code).toBe(0);
    } finally {
      random.mockRestore();
    }
    expect(err.filter((line) => line.includes("retry"))).toEqual([
      "  another update is in progress (ResourceConflictException): retry 1 in 0.1 s",
      "  another update is in progress (ResourceConflictException): retry 2 in 0.2 s",
    ]);
  });

  const refusals: [string, number, string][] = [
    ["UnrecognizedClientException", 403, "AWS rejected the credentials (UnrecognizedClientException): The security token included in the request is invalid."],
    ["InvalidSignatureException", 403, "AWS rejected the credentials (InvalidSignatureException): The security token included in the request is invalid."],
    ["ExpiredTokenException", 403, "AWS rejected the credentials (ExpiredTokenException): The security token included in the request is invalid."],
    ["AccessDenied", 403, "access denied (AccessDenied): The security token included in the request is invalid."],
    ["ThrottlingException", 400, "AWS is throttling Lambda API calls (ThrottlingException) after 3 attempts; try again later: The security token included in the request is invalid."],
    ["ServiceException", 400, "ServiceException: The security token included in the request is invalid."],
  ];
  for (const [type, status, line] of refusals) {
    test(`${type}: one line that says what to do, exit code 1`, async () => {
      plane.failures.push({
        request: `GET ${F}`,
        status,
        type,
        message: "The security token included in the request is invalid.\nRequest id: 0000",
        times: 3,
        headers: { "retry-after": "0" },
      });
      const result = await deploy(...zip("v1"), "--role", role);
      expect(result).toEqual({ code: 1, out: [], err: [credentials, `jobwrap deploy lambda: ${line}`] });
    });
  }

  test("a ResourceConflict the SDK gives up on is told with its attempts", async () => {
    plane.failures.push({ request: `GET ${F}`, status: 409, type: "ResourceConflictException", message: "busy", times: 1 });
    const result = await deploy(...zip("v1"), "--role", role);
    expect(result.err.at(-1)).toBe("jobwrap deploy lambda: the function is busy with another update (ResourceConflictException); try again in a minute: busy");
  });

  test("no region: one line naming the flag and the variable", async () => {
    const err: string[] = [];
    const code = await runDeploy(["lambda", "--name", "users", "--endpoint", plane.endpoint, ...zip("v1")], {
      out: () => {},
      err: (line) => err.push(line),
      pacing: { pollSeconds: 0.01, conflictDelayMs: 5 },
    });
    expect({ code, err }).toEqual({ code: 1, err: ["jobwrap deploy lambda: no AWS region: pass --region or set AWS_REGION"] });
  });

  test("the deploy closes its connections when it ends, done or failed", async () => {
    expect((await deploy(...zip("v1"), "--role", role)).code).toBe(0);
    expect(await plane.openConnections()).toBe(0);
    plane.failures.push({ request: `GET ${F}/aliases/live`, status: 403, type: "AccessDeniedException", message: "no", times: 1 });
    expect((await deploy("--promote")).code).toBe(1);
    expect(await plane.openConnections()).toBe(0);
  });

  test("a short access key is not shown at all", async () => {
    process.env.AWS_ACCESS_KEY_ID = "AKIA1234";
    const result = await deploy("--promote");
    expect(result.err[0]).toBe("  using AWS credentials **** in eu-west-1");
  });
});
