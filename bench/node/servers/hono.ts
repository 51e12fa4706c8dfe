import { serve } from "@hono/node-server";
import { app } from "../../peers/hono-app.js";
import { announce, host, port } from "../listen.js";

serve({ fetch: app.fetch, port, hostname: host }, announce);
