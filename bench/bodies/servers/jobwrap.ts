// jobwrap/node with one route reading a big order: the body validated by the job's schema.
import { job, routes } from "jobwrap";
import { serve } from "jobwrap/node";
import { announce, host, port } from "../../node/listen.js";
import { Order, summary } from "../order.js";

const api = routes({ "POST /orders": job({ body: Order }, ({ body }) => ({ status: 201, body: summary(body) })) });
void serve(api, { port, host, log: false }).ready.then(announce);
