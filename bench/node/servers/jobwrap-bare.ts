// jobwrap/node serving the users example's routes with neither CORS nor compression: the baseline
// for what configuring them costs a request that uses neither.
import { serve } from "jobwrap/node";
import { bareApi } from "../../apps/users-bare.js";
import { announce, host, port } from "../listen.js";

void serve(bareApi, { port, host, log: false, compress: false }).ready.then(announce);
