import { handle } from "hono/aws-lambda";
import { app } from "../../peers/hono-app.js";

export const handler = handle(app);
