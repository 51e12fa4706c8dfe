import { handle } from "hono/aws-lambda";
import { honoApp } from "../apps.js";

export const handler = handle(honoApp());
