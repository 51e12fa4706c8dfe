// jobwrap/node with the routes part's table (`BENCH_ROUTES`); also bundled with Hono's PatternRouter in its router's place.
import { serve } from "jobwrap/node";
import { announce, host, port } from "../../node/listen.js";
import { jobwrapApp } from "../apps.js";

void serve(jobwrapApp(), { port, host, log: false, compress: false }).ready.then(announce);
