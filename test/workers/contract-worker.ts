// The contract app as a Worker: bundled by contract.test.ts and run in workerd.
import { wrap } from "jobwrap/workers";
import { contractApp } from "../contract/app.js";

export default wrap(contractApp);
