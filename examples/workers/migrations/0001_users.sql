-- The users table of the D1 store (examples/users/store.ts): the primary key refuses a second
-- user of one name, which the job answers 409. Applied by `wrangler d1 migrations apply`.
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY,
  created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
