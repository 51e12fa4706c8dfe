/**
 * The HTTP events Lambda hands a function, as far as jobwrap reads them, the results each
 * source accepts, and the processor each source has for both. Declared here rather than taken
 * from `@types/aws-lambda`, so the published types need no extra package.
 */
import type { Identity, Incoming, Peer } from "../../core/types.js";
import type { Fields } from "./fields.js";
import type { PathSettings } from "./options.js";
import type { Buffered } from "./response.js";

type Strings = Record<string, string | undefined>;
type StringLists = Record<string, string[] | undefined>;

/** The request fields REST APIs (payload 1.0) and ALB targets share. */
interface PayloadV1Fields {
  httpMethod: string;
  path: string;
  headers?: Strings | null;
  multiValueHeaders?: StringLists | null;
  queryStringParameters?: Strings | null;
  multiValueQueryStringParameters?: StringLists | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** API Gateway REST API, Lambda proxy integration (payload format 1.0). */
export interface ApiGatewayV1Event extends PayloadV1Fields {
  version?: string;
  /** Sent by some REST APIs behind a custom domain's base path mapping: the path before the mapping. Not routed on. */
  rawPath?: string;
  requestContext?: { httpMethod?: string; stage?: string; path?: string; requestId?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** API Gateway HTTP API (payload format 2.0) and Lambda Function URLs, which share it. */
export interface ApiGatewayV2Event {
  version: "2.0";
  rawPath: string;
  rawQueryString?: string;
  headers?: Strings | null;
  cookies?: string[] | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  requestContext: {
    http: { method: string; path?: string; [key: string]: unknown };
    stage?: string;
    requestId?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Application Load Balancer target, in single-value or multi-value header mode. */
export interface AlbEvent extends PayloadV1Fields {
  requestContext: { elb: { targetGroupArn?: string }; [key: string]: unknown };
  [key: string]: unknown;
}

export type LambdaHttpEvent = ApiGatewayV1Event | ApiGatewayV2Event | AlbEvent;

export interface ApiGatewayV1Result {
  statusCode: number;
  headers: Record<string, string>;
  /** Only the headers that repeat; API Gateway merges it with `headers`. */
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

export interface ApiGatewayV2Result {
  statusCode: number;
  headers: Record<string, string>;
  /** Each `set-cookie` value: payload 2.0 has no other way to send several. */
  cookies?: string[];
  body: string;
  isBase64Encoded: boolean;
}

export interface AlbResult {
  statusCode: number;
  /** `200 OK`: ALB writes it as the status line's reason phrase. */
  statusDescription: string;
  /** Single-value mode. */
  headers?: Record<string, string>;
  /** Multi-value mode: exactly when the event came with `multiValueHeaders`. */
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded: boolean;
}

export type LambdaHttpResult = ApiGatewayV1Result | ApiGatewayV2Result | AlbResult;

/** The part of Lambda's context object jobwrap reads; all optional, so tests may pass `{}`. */
export interface LambdaContext {
  awsRequestId?: string;
  getRemainingTimeInMillis?: () => number;
  [key: string]: unknown;
}

export type EventKind = "v1" | "v2" | "alb";

/** Told how many `set-cookie` headers a result shape could not carry (ALB's single-value mode takes one). */
export type DroppedCookies = (dropped: number) => void;

/** Shapes core's answer, its stream already read whole, as one source's result. */
export type ResultShaper = (out: Buffered, lost: DroppedCookies) => LambdaHttpResult;

/** One event source: how its event is read, and which result shape it accepts. */
export interface Processor {
  /** The event as core's `Incoming`, read by the types its source sends: a wrong type throws `MalformedEvent`. */
  incoming(event: Fields, settings: PathSettings): Incoming;
  /** The result shape for this event, chosen before the event is read so that a failure is answered in it too. */
  result(event: Fields): ResultShaper;
  /** Where the request came from, as the source saw it (`headers`: the request's, read by `incoming`). */
  peer(event: Fields, headers: Readonly<Record<string, string | undefined>>): Peer | undefined;
  /** What the source verified of the caller. */
  identity(event: Fields): Identity | undefined;
}

/** The Lambda event and context of a request, as a job reaches them through `raw(ctx)`. */
export interface LambdaRaw {
  event: LambdaHttpEvent;
  context: LambdaContext | undefined;
}
