export { job, isJob } from "./core/job.js";
export type {
  Accepted,
  AnyJob,
  BodyDecoder,
  BodyKind,
  Extractor,
  Input,
  Job,
  JobOptions,
  JobResult,
  RequestView,
  Responses,
  ResultHeaders,
  ResultOf,
  ReturnedStatus,
  Run,
  Schema,
  Spec,
} from "./core/job.js";
export { authorizerClaims, type ClaimsOptions } from "./core/claims.js";
export { routes } from "./core/routes.js";
export type { App, RouteTable, Routes, RoutesOptions } from "./core/routes.js";
export { cors } from "./core/cors.js";
export { multipart } from "./core/multipart.js";
export type { MultipartFields, MultipartOptions } from "./core/multipart.js";
export { use } from "./core/use.js";
export type { Extractors, Use } from "./core/use.js";
export { bearer, secured } from "./core/bearer.js";
export type { SecuredExtractor, SecurityScheme } from "./core/bearer.js";
export type { Cors, CorsOptions } from "./core/cors.js";
export { HttpError, isHttpError } from "./core/http-error.js";
export { statusText } from "./core/status.js";
export type { FieldError, HttpErrorOptions } from "./core/http-error.js";
export { handle, prepare, defaultBodyLimit } from "./core/handle.js";
export type { AppOptions, Prepared } from "./core/handle.js";
export { consoleSink, silentSink } from "./core/log.js";
export { backendUnavailable, tooLarge } from "./core/problems.js";
export { byteLength } from "./core/result.js";
export type {
  BodyReader,
  Context,
  Env,
  Identity,
  IdentityKind,
  Incoming,
  LogEntry,
  LogSink,
  Logger,
  Outgoing,
  OutgoingBody,
  Peer,
  Platform,
  Severity,
} from "./core/types.js";
export { cookie } from "./core/cookies.js";
export type { CookieAttributes } from "./core/cookies.js";
