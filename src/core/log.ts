import type { LogEntry, LogSink, Logger, Severity } from "./types.js";

/** One JSON line on standard output: Cloud Logging, CloudWatch and Workers logs all read it. */
export const consoleSink: LogSink = (entry) => {
  let line: string;
  try {
    line = JSON.stringify(entry, errorReplacer);
  } catch {
    // A cycle in a logged value (a thrown object that refers to itself): the line still goes
    // out, without its fields, rather than a throw that would cost the request its answer.
    const { severity, message, requestId } = entry;
    line = JSON.stringify({ severity, message, requestId, logError: "some fields could not be written as JSON" });
  }
  console.log(line);
};

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    // A driver's error code (ECONNREFUSED, a SQLSTATE) and the cause an HttpError wraps are what an operator needs.
    const { code } = value as { code?: unknown };
    return {
      name: value.name,
      message: value.message,
      ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
      stack: value.stack,
      ...(value.cause !== undefined ? { cause: value.cause } : {}),
    };
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}

export const silentSink: LogSink = () => {};

/**
 * A sink that cannot throw: a user's sink that fails writes one line of its own instead, so a
 * log line never costs a request its answer.
 */
export function guardedSink(sink: LogSink): LogSink {
  if (sink === consoleSink || sink === silentSink) return sink;
  return (entry) => {
    try {
      sink(entry);
    } catch {
      console.error(JSON.stringify({ severity: "ERROR", message: "the log sink failed", requestId: entry.requestId }));
    }
  };
}

/** A logger whose lines all carry `fields` (the request id, a trace). */
export function logger(sink: LogSink, fields: Record<string, unknown>): Logger {
  const write = (severity: Severity, message: string, extra?: Record<string, unknown>) =>
    sink({ ...fields, ...extra, severity, message, time: new Date().toISOString() } as LogEntry);
  return {
    debug: (message, extra) => write("DEBUG", message, extra),
    info: (message, extra) => write("INFO", message, extra),
    warn: (message, extra) => write("WARNING", message, extra),
    error: (message, extra) => write("ERROR", message, extra),
  };
}
