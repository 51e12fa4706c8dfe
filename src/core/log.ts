import type { LogEntry, LogSink, Logger, Severity } from "./types.js";

/** A record as one line of JSON, whatever its fields hold: errors by name, message and stack; bigints as text. */
export function jsonLine(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, errorReplacer);
  } catch {
    // A cycle in a logged value (a thrown object that refers to itself): the line still goes
    // out, without its fields, rather than a throw that would cost the request its answer.
    const kept: Record<string, unknown> = { logError: "some fields could not be written as JSON" };
    for (const key of ["timestamp", "level", "severity", "message", "requestId"]) if (key in record) kept[key] = record[key];
    return JSON.stringify(kept);
  }
}

/** One JSON line on standard output, its level in `severity`: Cloud Logging reads it as written. */
export const consoleSink: LogSink = (entry) => {
  console.log(jsonLine(entry));
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

/** How much is logged: every record at this level and above. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const rank: Record<Severity, number> = { DEBUG: 0, INFO: 1, WARNING: 2, ERROR: 3 };
const thresholds: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * A level as the environment names it (`LOG_LEVEL`, Lambda's `AWS_LAMBDA_LOG_LEVEL`), in any
 * case: TRACE counts as debug, WARNING as warn, FATAL and CRITICAL as error. Undefined when unset
 * or unknown, so the next setting applies.
 */
export function levelOf(name: string | undefined): LogLevel | undefined {
  switch (name?.trim().toLowerCase()) {
    case "trace":
    case "debug":
      return "debug";
    case "info":
      return "info";
    case "warn":
    case "warning":
      return "warn";
    case "error":
    case "fatal":
    case "critical":
      return "error";
    default:
      return undefined;
  }
}

/** `sink`, given only the records at `level` and above. */
export function atLevel(sink: LogSink, level: LogLevel): LogSink {
  if (sink === silentSink || level === "debug") return sink;
  const least = thresholds[level];
  return (entry) => {
    if ((rank[entry.severity] ?? rank.ERROR) >= least) sink(entry);
  };
}

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
