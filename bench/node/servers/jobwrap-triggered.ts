// jobwrap/node serving the users example with CORS and compression both at work on every
// request: the load sends an allowed Origin and Accept-Encoding, and the threshold is 0.
import { serve } from "jobwrap/node";
import { api } from "../../../examples/users/index.js";
import { announce, host, port } from "../listen.js";

export const benchOrigin = "https://web.bench.test";
process.env.USERS_WEB_ORIGIN = benchOrigin;
void serve(api, { port, host, log: false, compress: { threshold: 0 } }).ready.then(announce);
