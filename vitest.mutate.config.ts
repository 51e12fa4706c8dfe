import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The tests `npm run mutate` runs against each mutant: every test that runs in this process
 * (core, the contract over real HTTP and on the functions-framework's test server, every Lambda
 * kind, the client, the OpenAPI document, the CLI and deploy code against loopback stand-ins).
 * Left out, and listed in the README: tests whose code under test runs in another process or
 * runtime (workerd, npm start, the drain, aws-lambda-ric, buildah, Chromium, npm pack), where a
 * mutant in this sandbox is not what runs, and the generated-event suite, which repeats the
 * Lambda tests' coverage at a hundred times their cost.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      "test/core/**/*.test.ts",
      "test/node/contract.test.ts",
      "test/node/server.test.ts",
      "test/node/stream-body.test.ts",
      "test/node/{compress,google,job-context,lifecycle,memory,otel,raw,refusals,wire}.test.ts",
      "test/cloud-functions/{bodies,contract,framework-answers,last-resort,platform,trace}.test.ts",
      "test/lambda/{adapter,build,contract.*,fixtures,identity,log,malformed,request,result,stream,stream-body,xray}.test.ts",
      "test/client/{users,avatar,wire}.test.ts",
      "test/hono/{interop,in-process}.test.ts",
      "test/workers/{in-process,last-resort}.test.ts",
      "test/openapi/document.test.ts",
      "test/docs/{serve-docs,pages,no-swagger,load-retry}.test.ts",
      "test/cli/main.test.ts",
      "test/cli/{in-process,build,deploy,k8s}.test.ts",
      "test/k8s/{manifests,options}.test.ts",
      "test/lambda-deploy/*.test.ts",
    ],
  },
});
