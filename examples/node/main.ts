// The users service on the Node server: `npm start` at the repository root.
import { serve } from "jobwrap/node";
import { api } from "../users/index.js";

serve(api);
