// The users service on the Node server; PORT comes from the platform, SIGTERM starts the drain.
import { serve } from "jobwrap/node";
import { api } from "../users/index.js";

serve(api);
