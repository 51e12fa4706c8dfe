import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * The Lambda control plane as the REST API shows it (same paths, methods, status codes and error
 * shapes, `x-amzn-errortype` included), played on a loopback port by a small in-memory state
 * machine: a function changes one thing at a time, stays InProgress (or Pending) for the next
 * request after a change, and refuses another change meanwhile with ResourceConflictException.
 * Every request is recorded in order, with its Authorization header, for the test to assert.
 */
export interface Recorded {
  method: string;
  /** Path and query, as sent. */
  path: string;
  body: any;
  authorization: string | undefined;
  amzDate: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** The status the control plane answered with. */
  status: number;
}

/** An answer to force on the next matching requests, before the state machine sees them. */
export interface Failure {
  /** `METHOD /path` without the query, e.g. `POST /2015-03-31/functions/users/versions`. */
  request: string;
  status: number;
  type: string;
  message: string;
  times: number;
  headers?: Record<string, string>;
}

type Json = Record<string, any>;

interface LambdaFunction {
  latest: Json;
  versions: Map<string, Json>;
  aliases: Map<string, Json>;
  urls: Map<string, Json>;
  policies: Map<string, Json[]>;
  /** How many more requests the current change stays in progress for. */
  busyFor: number;
}

const account = "123456789012";
/** What a version holds of $LATEST: its code and settings. */
const published = ["CodeSha256", "Architectures", "Runtime", "Handler", "MemorySize", "Timeout", "Role", "Environment"];

export class ControlPlane {
  readonly calls: Recorded[] = [];
  readonly failures: Failure[] = [];
  private readonly functions = new Map<string, LambdaFunction>();
  private readonly failing = new Map<string, string>();
  private server?: Server;
  endpoint = "";

  /** The connections clients hold open to it now. */
  private readonly open = new Set<Socket>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.serve(req, res));
    this.server.on("connection", (socket: Socket) => {
      this.open.add(socket);
      socket.on("close", () => this.open.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())));
  }

  /** How many connections clients still hold open, once those being closed have closed (up to 200 ms). */
  async openConnections(): Promise<number> {
    for (let waited = 0; this.open.size > 0 && waited < 200; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.open.size;
  }

  /** The calls as `METHOD path` lines, the easiest shape to compare. */
  lines(from = 0): string[] {
    return this.calls.slice(from).map((call) => `${call.method} ${call.path}`);
  }

  /** Another update of `name` (someone else's) is in progress for the next `requests` requests. */
  busy(name: string, requests: number): void {
    const fn = this.functions.get(name)!;
    fn.latest.LastUpdateStatus = "InProgress";
    fn.busyFor = requests;
  }

  /**
   * The next change of `name` under way (its creation, or an update of its code or settings) ends
   * Failed with this reason, as Lambda reports a zip it cannot unpack or a role it cannot assume.
   */
  failNextChange(name: string, reason: string): void {
    this.failing.set(name, reason);
  }

  alias(name: string, alias: string): Json | undefined {
    return this.functions.get(name)?.aliases.get(alias);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url!, "http://lambda");
    const body = rawBody.length > 0 ? JSON.parse(rawBody.toString("utf8")) : undefined;
    const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization ?? "")?.[1] ?? "us-east-1";
    const call: Recorded = {
      method: req.method!,
      path: req.url!,
      body,
      authorization: req.headers.authorization,
      amzDate: req.headers["x-amz-date"] as string | undefined,
      headers: req.headers,
      rawBody,
      status: 0,
    };
    this.calls.push(call);
    let answer: Answer;
    const forced = this.failures.find((f) => f.times > 0 && f.request === `${req.method} ${url.pathname}`);
    if (forced) {
      forced.times--;
      answer = { status: forced.status, error: forced.type, message: forced.message, headers: forced.headers };
    } else {
      answer = this.route(req.method!, url, body, region);
    }
    const payload = answer.error ? { Type: "User", message: answer.message } : answer.body;
    const text = payload === undefined ? undefined : JSON.stringify(payload);
    this.tick(url);
    call.status = answer.status;
    const headers: Record<string, string> = { "content-type": "application/json", "x-amzn-requestid": randomUUID(), ...answer.headers };
    if (answer.error) headers["x-amzn-errortype"] = answer.error;
    res.writeHead(answer.status, headers);
    res.end(text);
  }

  /** Time passes one request at a time: a change in progress finishes after its requests. */
  private tick(url: URL): void {
    const name = decodeURIComponent(/\/functions\/([^/]+)/.exec(url.pathname)?.[1] ?? "");
    const fn = this.functions.get(name);
    if (!fn || fn.busyFor === 0 || --fn.busyFor > 0) return;
    const reason = this.failing.get(name);
    this.failing.delete(name);
    if (reason !== undefined && fn.latest.State === "Pending") Object.assign(fn.latest, { State: "Failed", StateReason: reason });
    else if (reason !== undefined) Object.assign(fn.latest, { LastUpdateStatus: "Failed", LastUpdateStatusReason: reason });
    else Object.assign(fn.latest, { State: "Active", LastUpdateStatus: "Successful" });
  }

  private route(method: string, url: URL, body: Json, region: string): Answer {
    const path = url.pathname;
    const qualifier = url.searchParams.get("Qualifier") ?? undefined;
    if (method === "POST" && path === "/2015-03-31/functions") return this.createFunction(body, region);
    const match = /^\/(2015-03-31|2021-10-31)\/functions\/([^/]+)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
    if (!match) return { status: 404, error: "UnknownOperationException", message: `no operation at ${method} ${path}` };
    const [, api, rawName, resource = "", id] = match;
    const name = decodeURIComponent(rawName!);
    const fn = this.functions.get(name);
    const arn = `arn:aws:lambda:${region}:${account}:function:${name}`;
    if (!fn) return notFound(`Function not found: ${arn}`);
    const key = `${method} ${api === "2021-10-31" ? "url:" : ""}${resource}${id ? "/:id" : ""}`;
    switch (key) {
      case "GET ":
        return ok({ Configuration: this.version(fn, qualifier) ?? {}, Code: { RepositoryType: "S3", Location: "https://example.invalid/code.zip" } });
      case "GET configuration": {
        const config = this.version(fn, qualifier);
        return config ? ok(config) : notFound(`Function not found: ${arn}:${qualifier}`);
      }
      case "PUT code":
        return this.change(fn, () => {
          fn.latest.CodeSha256 = sha256(Buffer.from(body.ZipFile, "base64"));
          fn.latest.CodeSize = Buffer.from(body.ZipFile, "base64").length;
          if (body.Architectures) fn.latest.Architectures = body.Architectures;
        });
      case "PUT configuration":
        return this.change(fn, () => {
          for (const field of ["Role", "Handler", "Runtime", "MemorySize", "Timeout", "Environment"]) {
            if (body[field] !== undefined) fn.latest[field] = body[field];
          }
        });
      case "POST versions": {
        if (fn.latest.LastUpdateStatus === "InProgress" || fn.latest.State === "Pending") return conflict(arn);
        if (body?.CodeSha256 && body.CodeSha256 !== fn.latest.CodeSha256) {
          return { status: 412, error: "PreconditionFailedException", message: "CodeSha256 does not match $LATEST" };
        }
        // As Lambda does: nothing changed since the last version, no new one; that one is the answer.
        const last = fn.versions.get(String(fn.versions.size));
        if (last && published.every((field) => JSON.stringify(last[field]) === JSON.stringify(fn.latest[field]))) {
          return { status: 201, body: last };
        }
        const version = String(fn.versions.size + 1);
        const config = { ...structuredClone(fn.latest), Version: version, FunctionArn: `${arn}:${version}` };
        fn.versions.set(version, config);
        return { status: 201, body: config };
      }
      case "POST aliases": {
        if (fn.aliases.has(body.Name)) return { status: 409, error: "ResourceConflictException", message: `Alias already exists: ${arn}:${body.Name}` };
        const alias = { AliasArn: `${arn}:${body.Name}`, Name: body.Name, FunctionVersion: body.FunctionVersion, RoutingConfig: body.RoutingConfig, RevisionId: randomUUID() };
        fn.aliases.set(body.Name, alias);
        return { status: 201, body: alias };
      }
      case "GET aliases/:id": {
        const alias = fn.aliases.get(decodeURIComponent(id!));
        return alias ? ok(alias) : notFound(`Cannot find alias arn: ${arn}:${id}`);
      }
      case "PUT aliases/:id": {
        const alias = fn.aliases.get(decodeURIComponent(id!));
        if (!alias) return notFound(`Cannot find alias arn: ${arn}:${id}`);
        if (body.RevisionId && body.RevisionId !== alias.RevisionId) {
          return { status: 412, error: "PreconditionFailedException", message: "The Revision Id provided does not match the latest Revision Id." };
        }
        if (body.FunctionVersion) alias.FunctionVersion = body.FunctionVersion;
        if (body.RoutingConfig) {
          const weights = body.RoutingConfig.AdditionalVersionWeights ?? {};
          alias.RoutingConfig = Object.keys(weights).length > 0 ? { AdditionalVersionWeights: weights } : undefined;
        }
        alias.RevisionId = randomUUID();
        return ok(alias);
      }
      case "GET url:url": {
        const config = fn.urls.get(qualifier ?? "$LATEST");
        return config ? ok(config) : notFound("The resource you requested does not exist.");
      }
      case "POST url:url": {
        const target = qualifier ?? "$LATEST";
        if (fn.urls.has(target)) return { status: 409, error: "ResourceConflictException", message: `Failed to create function url config for [functionArn = ${arn}]. Error message:  FunctionUrlConfig exists for this Lambda function` };
        const now = new Date().toISOString();
        const config = {
          FunctionUrl: `https://${createHash("sha256").update(arn + target).digest("hex").slice(0, 32)}.lambda-url.${region}.on.aws/`,
          FunctionArn: qualifier ? `${arn}:${qualifier}` : arn,
          AuthType: body.AuthType,
          InvokeMode: body.InvokeMode ?? "BUFFERED",
          ...(body.Cors ? { Cors: body.Cors } : {}),
          CreationTime: now,
          LastModifiedTime: now,
        };
        fn.urls.set(target, config);
        return { status: 201, body: config };
      }
      case "PUT url:url": {
        const config = fn.urls.get(qualifier ?? "$LATEST");
        if (!config) return notFound("The resource you requested does not exist.");
        if (body.AuthType) config.AuthType = body.AuthType;
        // As Lambda does: an empty Cors removes it.
        if (body.Cors) {
          if (Object.keys(body.Cors).length > 0) config.Cors = body.Cors;
          else delete config.Cors;
        }
        config.LastModifiedTime = new Date().toISOString();
        return ok(config);
      }
      case "DELETE url:url":
        return fn.urls.delete(qualifier ?? "$LATEST") ? { status: 204 } : notFound("The resource you requested does not exist.");
      case "GET policy": {
        const statements = fn.policies.get(qualifier ?? "$LATEST") ?? [];
        if (statements.length === 0) return notFound("The resource you requested does not exist.");
        return ok({ Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: statements }), RevisionId: randomUUID() });
      }
      case "POST policy": {
        const target = qualifier ?? "$LATEST";
        const statements = fn.policies.get(target) ?? [];
        if (statements.some((s) => s.Sid === body.StatementId)) {
          return { status: 409, error: "ResourceConflictException", message: `The statement id (${body.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.` };
        }
        const statement = policyStatement(body, qualifier ? `${arn}:${qualifier}` : arn);
        statements.push(statement);
        fn.policies.set(target, statements);
        return { status: 201, body: { Statement: JSON.stringify(statement) } };
      }
      case "DELETE policy/:id": {
        const statements = fn.policies.get(qualifier ?? "$LATEST") ?? [];
        const index = statements.findIndex((s) => s.Sid === decodeURIComponent(id!));
        if (index < 0) return notFound(`Statement ${id} is not found in resource policy.`);
        statements.splice(index, 1);
        return { status: 204 };
      }
      default:
        return { status: 404, error: "UnknownOperationException", message: `no operation at ${method} ${path}` };
    }
  }

  private createFunction(body: Json, region: string): Answer {
    const arn = `arn:aws:lambda:${region}:${account}:function:${body.FunctionName}`;
    if (this.functions.has(body.FunctionName)) return { status: 409, error: "ResourceConflictException", message: `Function already exist: ${body.FunctionName}` };
    const zip = Buffer.from(body.Code.ZipFile, "base64");
    const latest: Json = {
      FunctionName: body.FunctionName,
      FunctionArn: arn,
      Runtime: body.Runtime,
      Role: body.Role,
      Handler: body.Handler,
      CodeSize: zip.length,
      CodeSha256: sha256(zip),
      MemorySize: body.MemorySize ?? 128,
      Timeout: body.Timeout ?? 3,
      Environment: body.Environment,
      Architectures: body.Architectures ?? ["x86_64"],
      PackageType: "Zip",
      Version: "$LATEST",
      State: "Pending",
      StateReason: "The function is being created.",
      StateReasonCode: "Creating",
      RevisionId: randomUUID(),
    };
    // Pending for the next request about it, then Active (this request's path names no function).
    this.functions.set(body.FunctionName, { latest, versions: new Map(), aliases: new Map(), urls: new Map(), policies: new Map(), busyFor: 1 });
    return { status: 201, body: latest };
  }

  /** A change to $LATEST: refused while another is under way, else under way itself. */
  private change(fn: LambdaFunction, apply: () => void): Answer {
    if (fn.latest.LastUpdateStatus === "InProgress" || fn.latest.State === "Pending") return conflict(fn.latest.FunctionArn);
    apply();
    fn.latest.LastUpdateStatus = "InProgress";
    fn.latest.RevisionId = randomUUID();
    // This request and the next one see it in progress; it is done for the one after.
    fn.busyFor = 2;
    return ok(fn.latest);
  }

  private version(fn: LambdaFunction, qualifier: string | undefined): Json | undefined {
    if (qualifier === undefined || qualifier === "$LATEST") return fn.latest;
    const alias = fn.aliases.get(qualifier);
    return fn.versions.get(alias ? alias.FunctionVersion : qualifier);
  }
}

interface Answer {
  status: number;
  body?: unknown;
  error?: string;
  message?: string;
  headers?: Record<string, string> | undefined;
}

const ok = (body: unknown): Answer => ({ status: 200, body });
const notFound = (message: string): Answer => ({ status: 404, error: "ResourceNotFoundException", message });
const conflict = (arn: string): Answer => ({
  status: 409,
  error: "ResourceConflictException",
  message: `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
});

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("base64");
}

/** The policy statement AddPermission writes, conditions included, as GetPolicy shows it. */
function policyStatement(body: Json, resource: string): Json {
  const condition: Json = {};
  if (body.FunctionUrlAuthType) condition.StringEquals = { "lambda:FunctionUrlAuthType": body.FunctionUrlAuthType };
  if (body.InvokedViaFunctionUrl !== undefined) condition.Bool = { "lambda:InvokedViaFunctionUrl": String(body.InvokedViaFunctionUrl) };
  return {
    Sid: body.StatementId,
    Effect: "Allow",
    Principal: body.Principal === "*" ? "*" : { AWS: body.Principal },
    Action: body.Action,
    Resource: resource,
    ...(Object.keys(condition).length > 0 && { Condition: condition }),
  };
}
