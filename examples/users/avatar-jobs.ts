// The users example's avatar routes: a user's image, uploaded as a form and read back, behind a bearer token.
import * as v from "valibot";
import { bearer, HttpError, multipart, use, type Context } from "jobwrap";
import { keyValueAvatars, memoryAvatars, type AvatarStore } from "./avatars.js";
import { UserName } from "./schema.js";
import { isKeyValue, perEnvironment, users } from "./user-jobs.js";

/** The avatars, kept beside the users: in the `USERS` KV namespace where bound, else in memory. */
const avatars: (ctx: Pick<Context, "env">) => AvatarStore = perEnvironment(({ USERS: kv }) => (isKeyValue(kv) ? keyValueAvatars(kv) : undefined), memoryAvatars());

/** What the deployment sets: the bearer token of the avatar routes, and the web app's origin(s). */
export interface UsersEnv {
  USERS_TOKEN?: string;
  /** Comma-separated origins whose pages may call the service from a browser. */
  USERS_WEB_ORIGIN?: string;
}

/** Same time whatever the token, so its bytes cannot be guessed one by one from how long a refusal takes. */
function sameToken(given: string, expected: string): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < given.length; i++) diff |= given.charCodeAt(i) ^ expected.charCodeAt(i % (expected.length || 1));
  return diff === 0;
}

/** The avatar routes' check: the bearer token must be `USERS_TOKEN`; with none set, every token is refused. */
const authed = use({
  token: bearer((token, ctx) => {
    const expected = (ctx.env as UsersEnv).USERS_TOKEN;
    return expected !== undefined && expected !== "" && sameToken(token, expected) ? token : undefined;
  }),
});

const avatarLimit = 1024 * 1024;
const imageTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

export const avatarPut = authed.job(
  {
    params: v.object({ name: UserName }),
    body: v.object({ avatar: v.pipe(v.file("the avatar is a file"), v.mimeType(imageTypes, "the avatar is a PNG, JPEG, GIF or WebP image")) }),
    responses: { 204: null, 404: null },
  },
  async ({ params, body }, ctx) => {
    if (!(await users(ctx).get(params.name, ctx))) throw new HttpError(404, `no user named ${params.name}`);
    await avatars(ctx).put(params.name, { type: body.avatar.type, bytes: new Uint8Array(await body.avatar.arrayBuffer()) });
    return { status: 204 };
  },
  // The form's own boundaries and headers come on top of the file: a little room over its limit.
  { accept: multipart({ fileSize: avatarLimit, files: 1 }), bodyLimit: avatarLimit + 16 * 1024, summary: "Sets a user's avatar (an image of at most 1 MiB)" },
);

export const avatarGet = authed.job(
  { params: v.object({ name: UserName }), responses: { 200: v.instance(Uint8Array), 404: null } },
  async ({ params }, ctx) => {
    const avatar = await avatars(ctx).get(params.name);
    if (!avatar) throw new HttpError(404, `${params.name} has no avatar`);
    return { headers: { "content-type": avatar.type }, body: avatar.bytes };
  },
  { summary: "A user's avatar, as it was uploaded" },
);
