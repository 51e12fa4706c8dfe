/**
 * `jobwrap deploy lambda`, loaded only when it runs: everything here pulls in
 * @aws-sdk/client-lambda, which no runtime bundle carries.
 */
export { deployLambda, promoteCanary, type DeployResult } from "./deploy.js";
export { describeDeployError } from "./errors.js";
export { nodeRuntimes } from "./configuration.js";
export { realPacing, type Pacing } from "./context.js";
export { defaults, type LambdaDeployOptions, type FunctionUrlMode } from "./options.js";
