import * as v from "valibot";

// The users service's schemas, apart from its jobs: the benchmark's peer implementations
// validate with these same schemas without pulling jobwrap into their bundles.

export const UserName = v.pipe(
  v.string(),
  v.minLength(3, "a name has at least 3 letters"),
  v.maxLength(40, "a name has at most 40 letters"),
  v.regex(/^[a-zA-Z]*$/, "a name has only the letters a to z and A to Z"),
);

export const User = v.object({ name: UserName });
