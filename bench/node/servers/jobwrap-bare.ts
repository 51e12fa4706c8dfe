// jobwrap/node serving the users routes with none of CORS, compression, uploads or shared
// extractors: the baseline for what configuring them costs when a request does not use them.
import { serve } from "jobwrap/node";
import { bareApi } from "../../apps/users-bare.js";
import { announce, host, port } from "../listen.js";

void serve(bareApi, { port, host, log: false, compress: false }).ready.then(announce);
