// The Hono app of app.ts as a Worker: bundled by workerd.test.ts and run in workerd.
import { app } from "./app.js";

export default app;
