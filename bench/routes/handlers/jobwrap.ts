// jobwrap/lambda with the routes part's table (`BENCH_ROUTES`); also bundled with Hono's PatternRouter in its router's place.
import { wrap } from "jobwrap/lambda";
import { jobwrapApp } from "../apps.js";

export const handler = wrap(jobwrapApp(), { log: false });
