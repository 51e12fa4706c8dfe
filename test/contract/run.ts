import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { expect, it } from "vitest";
import { contract, type ContractCase, type ContractRequest, type ContractResponse, type Expected } from "./table.js";

export type Transport = (request: ContractRequest) => Promise<ContractResponse>;

export interface ContractOptions {
  /** The platform's name. */
  platform: string;
  /** Whether the platform's own request id replaces `x-request-id` (Lambda's awsRequestId). */
  ownRequestId?: boolean;
  /**
   * Rows the platform answers itself before any function of ours runs (the functions-framework's
   * Express error page for malformed JSON), by row name: each response is checked by its
   * function instead of the row, so what the platform does stays pinned down by a test.
   */
  platformAnswers?: Record<string, (response: ContractResponse) => void>;
  /** Only the rows an app serves (a deployed example serving the users routes alone). Default: all. */
  rows?: (row: ContractCase) => boolean;
}

const decoder = new TextDecoder();

/** Checks one response against its row; exported for tests that send requests their own way. */
export function expectResponse(response: ContractResponse, expected: Expected, sentRequestId?: string): void {
  expect(response.status).toBe(expected.status);
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    if (value === null) expect(response.headers[name], `header ${name}`).toBeUndefined();
    else expect(response.headers[name], `header ${name}`).toEqual(typeof value === "string" ? [value] : value);
  }
  const requestId = response.headers["x-request-id"];
  expect(requestId, "x-request-id").toHaveLength(1);
  if (sentRequestId !== undefined) expect(requestId![0]).toBe(sentRequestId);
  const body = expected.encoding === "gzip" ? gunzipSync(response.body) : expected.encoding === "br" ? brotliDecompressSync(response.body) : response.body;
  const text = decoder.decode(body);
  if (expected.json !== undefined) expect(JSON.parse(text)).toEqual(expected.json);
  if (expected.text !== undefined) expect(text).toBe(expected.text);
  if (expected.bytes !== undefined) expect([...body]).toEqual(expected.bytes);
  if (expected.problem) {
    expect(response.headers["content-type"]).toEqual(["application/problem+json"]);
    const body = JSON.parse(text) as Record<string, unknown>;
    const { errors, ...rest } = expected.problem;
    expect(body).toMatchObject({ type: "about:blank", status: expected.status, requestId: requestId![0], ...rest });
    if (errors) {
      expect(body.errors).toHaveLength(errors.length);
      errors.forEach((error, i) => expect((body.errors as unknown[])[i]).toMatchObject(error));
    } else {
      expect(body.errors).toBeUndefined();
    }
    expect(Object.keys(body).sort()).toEqual(
      ["type", "title", "status", "requestId", ...(body.detail === undefined ? [] : ["detail"]), ...(errors ? ["errors"] : [])].sort(),
    );
  }
  for (const hidden of expected.hides ?? []) expect(text).not.toContain(hidden);
}

/** Registers one test per contract row, in order, against `transport`. */
export function runContract(options: ContractOptions, transport: () => Transport): void {
  for (const name of Object.keys(options.platformAnswers ?? {})) {
    if (!contract.some((row) => row.name === name)) throw new Error(`platformAnswers names no contract row: ${name}`);
  }
  contract.forEach((row, i) => {
    if (options.rows && !options.rows(row)) return;
    if (row.platforms && !row.platforms.includes(options.platform)) return;
    const platformAnswer = options.platformAnswers?.[row.name];
    it(platformAnswer ? `${row.name} (answered by the platform instead)` : row.name, async () => {
      const requestId = `contract-${i}`;
      const request = { ...row.request, headers: { "x-request-id": requestId, ...row.request.headers } };
      const response = await transport()(request);
      if (platformAnswer) platformAnswer(response);
      else expectResponse(response, row.expect, options.ownRequestId ? undefined : requestId);
    });
  });
}
