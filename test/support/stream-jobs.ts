/**
 * Stream bodies that go wrong after their first chunk, for the adapters' own tests: what the
 * client sees then differs by platform (a cut connection where the status went out, a problem
 * where the body is sent whole), so these are not contract rows.
 */
import { job, routes, type LogEntry } from "jobwrap";
import { secretMessage } from "../contract/app.js";

export interface StreamProbe {
  /** Why the source was cancelled, once it was. */
  cancelled?: unknown;
  /** Whether the job's ctx.signal had aborted when the source was cancelled. */
  signalAborted?: boolean;
}

export function streamApp(probe: StreamProbe) {
  const encoder = new TextEncoder();
  return routes({
    // One chunk, then nothing: the deadline must end it.
    "GET /stream-stalls": job(
      {},
      (_input, ctx) => ({
        headers: { "content-type": "text/plain; charset=utf-8" },
        body: new ReadableStream<Uint8Array>({
          start: (controller) => controller.enqueue(encoder.encode("first ")),
          pull: () => new Promise(() => {}),
          cancel: (reason) => {
            probe.cancelled = reason;
            probe.signalAborted = ctx.signal.aborted;
          },
        }),
      }),
      { timeout: 150 },
    ),
    // One chunk, then a failure whose message must reach no one but the log.
    "GET /stream-breaks": job({}, () => {
      let sent = false;
      return {
        body: new ReadableStream<Uint8Array>({
          pull: (controller) => {
            if (sent) throw new Error(secretMessage);
            sent = true;
            controller.enqueue(encoder.encode("first "));
          },
        }),
      };
    }),
  });
}

/** The log lines of one request id. */
export function linesOf(entries: LogEntry[], requestId: string): { severity: string; message: string }[] {
  return entries.filter((entry) => entry.requestId === requestId).map(({ severity, message }) => ({ severity, message }));
}
