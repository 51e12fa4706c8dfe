import { cors, routes } from "jobwrap";
import { avatarGet, avatarPut, type UsersEnv } from "./avatar-jobs.js";
import { userCreate, userGet } from "./user-jobs.js";

export { User, UserName } from "./schema.js";
export { useStore, users, userCreate, userGet } from "./user-jobs.js";
export { avatarGet, avatarPut } from "./avatar-jobs.js";

/** The web app's origins (`USERS_WEB_ORIGIN`, comma-separated), read from each platform's env. */
const webOrigin = (origin: string, env: unknown) =>
  ((env as UsersEnv).USERS_WEB_ORIGIN ?? "").split(",").some((allowed) => allowed.trim() === origin);

export const api = routes(
  {
    "POST /user": userCreate,
    "GET /user/:name": userGet,
    "PUT /user/:name/avatar": avatarPut,
    "GET /user/:name/avatar": avatarGet,
  },
  // Credentials: the web app's own cookies may ride along, as a session would need.
  { cors: cors({ origin: webOrigin, credentials: true, allowHeaders: ["content-type", "authorization"] }) },
);
