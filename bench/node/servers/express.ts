import { createServer } from "node:http";
import { app } from "../../peers/express-app.js";
import { listen } from "../listen.js";

listen(createServer(app));
