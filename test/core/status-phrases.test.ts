/**
 * The reason phrase of each status (RFC 9110 section 15 and the IANA registry): the title of a
 * problem, the status line ALB writes, the description of a response in the OpenAPI document.
 */
import { describe, expect, it } from "vitest";
import { HttpError, job, statusText, type JobResult } from "../../src/index.js";
import { expectProblem, serve } from "./harness.js";

describe("statusText: the registered reason phrase", () => {
  it.each([
    [100, "Continue"],
    [101, "Switching Protocols"],
    [200, "OK"],
    [201, "Created"],
    [202, "Accepted"],
    [203, "Non-Authoritative Information"],
    [204, "No Content"],
    [205, "Reset Content"],
    [206, "Partial Content"],
    [207, "Multi-Status"],
    [300, "Multiple Choices"],
    [301, "Moved Permanently"],
    [302, "Found"],
    [303, "See Other"],
    [304, "Not Modified"],
    [307, "Temporary Redirect"],
    [308, "Permanent Redirect"],
    [400, "Bad Request"],
    [401, "Unauthorized"],
    [402, "Payment Required"],
    [403, "Forbidden"],
    [404, "Not Found"],
    [405, "Method Not Allowed"],
    [406, "Not Acceptable"],
    [408, "Request Timeout"],
    [409, "Conflict"],
    [410, "Gone"],
    [411, "Length Required"],
    [412, "Precondition Failed"],
    [413, "Content Too Large"],
    [414, "URI Too Long"],
    [415, "Unsupported Media Type"],
    [416, "Range Not Satisfiable"],
    [417, "Expectation Failed"],
    [421, "Misdirected Request"],
    [422, "Unprocessable Content"],
    [423, "Locked"],
    [424, "Failed Dependency"],
    [425, "Too Early"],
    [426, "Upgrade Required"],
    [428, "Precondition Required"],
    [429, "Too Many Requests"],
    [431, "Request Header Fields Too Large"],
    [451, "Unavailable For Legal Reasons"],
    [500, "Internal Server Error"],
    [501, "Not Implemented"],
    [502, "Bad Gateway"],
    [503, "Service Unavailable"],
    [504, "Gateway Timeout"],
    [505, "HTTP Version Not Supported"],
    [507, "Insufficient Storage"],
    [511, "Network Authentication Required"],
  ])("%d: %s", (status, phrase) => {
    expect(statusText(status)).toBe(phrase);
  });

  it("a problem's title is its status's phrase", async () => {
    const titles: [number, string][] = [
      [402, "Payment Required"],
      [406, "Not Acceptable"],
      [431, "Request Header Fields Too Large"],
      [511, "Network Authentication Required"],
    ];
    for (const [status, title] of titles) {
      const app = serve(
        job({}, (): JobResult => {
          throw new HttpError(status);
        }),
      );
      expectProblem(await app.send(), { status, title });
    }
  });
});
