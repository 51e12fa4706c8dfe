/**
 * What the Node server and the platforms that run it must agree on: its health-check paths, the
 * environment variables it reads and their defaults. The Kubernetes generator writes probes and
 * env from these, so the two cannot drift. Constants only, importing nothing: deploy code may
 * read it, and it must never pull deploy code into the server's bundle.
 */

/** Liveness: 200 while the process serves. */
export const defaultHealthPath = "/healthz";
/** Readiness: 200, then 503 from the start of a drain. */
export const defaultReadyPath = "/readyz";

/** The port to listen on, as Heroku, App Engine and Cloud Run set it. */
export const portEnv = "PORT";
export const defaultPort = 8080;

/** Most milliseconds a drain waits for in-flight requests. */
export const drainTimeoutEnv = "JOBWRAP_DRAIN_TIMEOUT_MS";
export const defaultDrainTimeoutMs = 10_000;

/** Milliseconds between the signal and closing the listener, unready but still serving. */
export const drainDelayEnv = "JOBWRAP_DRAIN_DELAY_MS";
export const defaultDrainDelayMs = 0;
