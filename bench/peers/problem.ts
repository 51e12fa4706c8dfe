import type { BaseIssue } from "valibot";

// The error bodies every peer sends: small problem documents, as jobwrap's are, so no
// contestant saves time by answering less.

const titles: Record<number, string> = { 400: "Bad Request", 404: "Not Found", 409: "Conflict" };

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { detail: string }[];
}

export function problem(status: number, detail: string): Problem {
  return { type: "about:blank", title: titles[status] ?? "Error", status, detail };
}

export function invalid(issues: readonly BaseIssue<unknown>[]): Problem {
  return { ...problem(400, "The request is invalid"), errors: issues.map((issue) => ({ detail: issue.message })) };
}
