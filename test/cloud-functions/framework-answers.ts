/**
 * What the functions-framework answers itself, before any function runs. Its Express app
 * parses every body and matches every path first; when its JSON body parser or its router's
 * percent-decoding fails, Express's default error handler answers with an HTML page, and the
 * framework offers no hook to answer otherwise (GoogleCloudPlatform/functions-framework-nodejs#686).
 */
import { expect } from "vitest";
import type { ContractResponse } from "../contract/table.js";

const decoder = new TextDecoder();

/**
 * Express's error page. With NODE_ENV=production, as on Cloud Functions, it names only the
 * status; elsewhere Express prints the error's stack in it.
 */
export function expressErrorPage(status: number, title: string, production: boolean) {
  return (response: ContractResponse): void => {
    expect(response.status).toBe(status);
    expect(response.headers["content-type"]).toEqual(["text/html; charset=utf-8"]);
    expect(response.headers["x-request-id"], "no x-request-id: no function ran").toBeUndefined();
    const page = decoder.decode(response.body);
    if (production) {
      expect(page).toContain(`<pre>${title}</pre>`);
      expect(page).not.toMatch(/SyntaxError|URIError|node_modules|&nbsp;at /);
    }
  };
}

/** The contract rows the framework answers itself, and how. */
export function frameworkAnswers(production: boolean): Record<string, (response: ContractResponse) => void> {
  return {
    "malformed JSON: 400": expressErrorPage(400, "Bad Request", production),
    "bad percent-encoding in the path: 400": expressErrorPage(400, "Bad Request", production),
  };
}
