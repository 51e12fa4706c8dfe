/**
 * The problems core answers by itself, as the client reads them (status, headers, the RFC 9457
 * document) and as the log records them: a backend that is down, and the last resort when even a
 * problem cannot be sent.
 */
import { describe, expect, it } from "vitest";
import { backendUnavailable, cors, HttpError, job, type JobResult } from "../../src/index.js";
import { expectJobFailure, expectProblem, lineOf, serve } from "./harness.js";

const unavailable = "A service this endpoint depends on is unavailable; try again shortly";

describe("backendUnavailable: a 503 the client is told to retry", () => {
  it("after one second by default; the backend's error is logged, never sent", async () => {
    const cause = new Error("connect ECONNREFUSED 10.0.0.5:5432");
    const app = serve(
      job({}, (): JobResult => {
        throw backendUnavailable(cause);
      }),
    );
    const got = await app.send({ headers: { "x-request-id": "down-1" } });
    expectProblem(got, { status: 503, title: "Service Unavailable", detail: unavailable });
    expect(got.header("retry-after")).toBe("1");
    expect(got.text).not.toContain("ECONNREFUSED");
    const line = lineOf(app.lines, "job answered a server error");
    expect(line).toMatchObject({ severity: "ERROR", requestId: "down-1", status: 503 });
    expect((line.error as Error).cause).toBe(cause);
  });

  it("after the seconds the job gives", async () => {
    const app = serve(
      job({}, (): JobResult => {
        throw backendUnavailable(undefined, 30);
      }),
    );
    const got = await app.send();
    expectProblem(got, { status: 503, title: "Service Unavailable", detail: unavailable });
    expect(got.header("retry-after")).toBe("30");
  });
});

describe("a problem that cannot be sent: the last resort", () => {
  it("an HttpError whose header would split the response: a 500 quoting the request id, the reason logged at ERROR", async () => {
    const app = serve(
      job({}, (): JobResult => {
        throw new HttpError(401, "who are you", { headers: { "www-authenticate": "Bearer\r\nx-injected: yes" } });
      }),
    );
    const got = await app.send({ headers: { "x-request-id": "split-1" } });
    expectProblem(got, {
      status: 500,
      title: "Internal Server Error",
      detail: "Something went wrong on our side. Quote request id split-1 when reporting it.",
    });
    expect(got.all("x-request-id")).toEqual(["split-1"]);
    const line = lineOf(app.lines, "jobwrap failed to answer");
    expect(line).toMatchObject({ severity: "ERROR", requestId: "split-1" });
    expect(line.error).toBeInstanceOf(TypeError);
    expect((line.error as Error).message).toBe('invalid response header "www-authenticate"');
  });
});

describe("an HttpError as the job's code sees it (and the log writes it)", () => {
  it("an Error named HttpError, its message the detail, else the status's phrase", () => {
    const given = new HttpError(409, "the sku is taken");
    expect(given).toBeInstanceOf(Error);
    expect(given.name).toBe("HttpError");
    expect(given.message).toBe("the sku is taken");
    expect(given.detail).toBe("the sku is taken");
    const bare = new HttpError(404);
    expect(bare.message).toBe("Not Found");
    expect(bare.detail).toBeUndefined();
    expect(new HttpError(599).message).toBe("Server Error");
  });
});

describe("Vary: the job's own, and CORS's Origin added to it once", () => {
  it.each(["Accept-Encoding,Origin", "Origin, Accept-Encoding", "accept-encoding , ORIGIN"])("the job's %j already names Origin: one Vary header, as the job gave it", async (vary) => {
    const app = serve(job({}, () => ({ headers: { vary }, body: "x" })), { cors: cors({ origin: ["https://a.test"] }) });
    const got = await app.send({ headers: { origin: "https://a.test" } });
    expect(got.header("access-control-allow-origin")).toBe("https://a.test");
    expect(got.all("vary")).toEqual([vary]);
  });
});

describe("a body that is no JSON", () => {
  it("a function: 500, and the job's failure logged as a TypeError naming what it got", async () => {
    const app = serve(job({}, () => ({ body: (() => 1) as unknown as string })));
    const got = await app.send();
    expectJobFailure(got, app.lines, "a job's body must be JSON, text, bytes or a stream, not a function");
  });
});
