// jobwrap/node serving the users example. The access log is off: the peers write none.
import { serve } from "jobwrap/node";
import { api } from "../../../examples/users/index.js";
import { announce, host, port } from "../listen.js";

void serve(api, { port, host, log: false }).ready.then(announce);
