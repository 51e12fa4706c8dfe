// The users service on Cloudflare Workers, with the USERS KV namespace as its store.
import { wrap } from "jobwrap/workers";
import { api } from "../users/index.js";

declare module "jobwrap" {
  // Every job's ctx.env is this Worker's bindings, as `wrangler types` generates them.
  interface Env extends Cloudflare.Env {}
}

export default wrap<Env>(api) satisfies ExportedHandler<Env>;
