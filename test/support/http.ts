import { request as httpRequest, type Agent } from "node:http";
import type { ContractRequest, ContractResponse } from "../contract/table.js";

/** Sends exactly the request given (no URL normalising) over real HTTP, and reads every header. */
export function send(base: string, req: ContractRequest, agent?: Agent): Promise<ContractResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers: Record<string, string[]> = {};
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            (headers[res.rawHeaders[i]!.toLowerCase()] ??= []).push(res.rawHeaders[i + 1]!);
          }
          for (const hop of ["date", "connection", "keep-alive", "transfer-encoding"]) delete headers[hop];
          resolve({ status: res.statusCode!, headers, body: new Uint8Array(Buffer.concat(chunks)) });
        });
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(req.body === undefined ? undefined : Buffer.from(req.body));
  });
}
