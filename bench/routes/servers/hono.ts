import { serve } from "@hono/node-server";
import { announce, host, port } from "../../node/listen.js";
import { honoApp } from "../apps.js";

serve({ fetch: honoApp().fetch, port, hostname: host }, announce);
