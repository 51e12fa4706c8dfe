import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogEntry } from "jobwrap";
import { contractApp } from "../contract/app.js";
import { runContract } from "../contract/run.js";
import { clientAddress, type ContractRequest } from "../contract/table.js";
import { send } from "../support/http.js";
import { frameworkAnswers } from "./framework-answers.js";
import { serveFunction, type ServedFunction } from "./serve.js";

describe("contract on the real functions-framework (getTestServer)", () => {
  const logs: LogEntry[] = [];
  let served: ServedFunction;
  beforeAll(async () => (served = await serveFunction("contract", contractApp, { log: (entry) => logs.push(entry) })));
  afterAll(() => served.close());

  // Google's front end, which every request to a function passes, appends the address it saw to
  // X-Forwarded-For: played here, in front of the framework, for the client on loopback.
  const throughFrontEnd = (request: ContractRequest): ContractRequest => {
    const chain = request.headers?.["x-forwarded-for"];
    return { ...request, headers: { ...request.headers, "x-forwarded-for": chain ? `${chain}, ${clientAddress}` : clientAddress } };
  };
  runContract({ platform: "cloud-functions", platformAnswers: frameworkAnswers(false) }, () => (request) => send(served.base, throughFrontEnd(request)));

  it("logs one line per request the function answered, and a failed job's error with its request id, with no secrets", () => {
    const access = logs.filter((entry) => typeof entry.status === "number");
    expect(access.length).toBeGreaterThan(30);
    for (const entry of access) {
      expect(entry).toMatchObject({ platform: "cloud-functions", requestId: expect.stringMatching(/^contract-\d+$/) });
    }
    expect(logs.find((entry) => entry.message === "job failed")).toMatchObject({ severity: "ERROR", requestId: expect.stringMatching(/^contract-/) });
    const text = JSON.stringify(logs);
    expect(text).not.toContain("t0k3n");
    expect(text).not.toContain("long-enough");
  });
});
