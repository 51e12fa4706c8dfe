// The handlers test/lambda/ric.test.ts builds with `jobwrap build lambda` and runs in aws-lambda-ric:
// index.handler echoes every fixture; index.streaming serves the contract app with response streaming;
// index.contract serves it buffered, logging as it does by default.
import { wrap, wrapStream } from "jobwrap/lambda";
import { contractApp } from "../contract/app.js";
import { echo } from "./echo.js";

export const handler = wrap(echo);
export const streaming = wrapStream(contractApp);
export const contract = wrap(contractApp);
