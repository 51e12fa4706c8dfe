import { configure } from "@codegenie/serverless-express";
import { app } from "../../peers/express-app.js";

export const handler = configure({ app });
