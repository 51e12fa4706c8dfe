// node:http by hand: the body read whole, `JSON.parse`, the same valibot schema.
import { createServer } from "node:http";
import * as v from "valibot";
import { listen } from "../../node/listen.js";
import { Order, summary } from "../order.js";

listen(
  createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => {
      const checked = v.safeParse(Order, JSON.parse(Buffer.concat(chunks).toString("utf8")));
      const out = checked.success ? JSON.stringify(summary(checked.output)) : JSON.stringify({ status: 400 });
      res.writeHead(checked.success ? 201 : 400, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
      res.end(out);
    });
  }),
);
