// The Hono app as a Worker.
import { app } from "./hono-app.js";

export default app;
