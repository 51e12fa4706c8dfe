import serverless from "serverless-http";
import { app } from "../../peers/express-app.js";

export const handler = serverless(app);
