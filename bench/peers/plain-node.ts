// The hand-written node:http server.
import { createServer, type Server } from "node:http";
import { answer } from "./plain-service.js";

export function plainServer(): Server {
  return createServer((req, res) => {
    const url = req.url ?? "/";
    const mark = url.indexOf("?");
    const body = () =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.once("error", reject);
      });
    answer(req.method ?? "GET", mark < 0 ? url : url.slice(0, mark), body, undefined).then((out) => {
      res.writeHead(out.status, {
        "content-type": out.status < 400 ? "application/json" : "application/problem+json",
        "content-length": Buffer.byteLength(out.body),
      });
      res.end(out.body);
    });
  });
}
