export interface User {
  name: string;
}

/**
 * The backend the users jobs call: in memory by default; KV or D1 on Workers; PostgreSQL,
 * DynamoDB or Firestore where an entry chooses it (`useStore`). `call` is the job's ctx: a store
 * that can cancels its call on the backend when `call.signal` aborts, and only such a store reads
 * it (the signal is made on first read, so the memory store costs none). A backend that fails
 * throws `backendUnavailable()` (503), a name taken is `false` (409).
 */
export interface UserStore {
  /** Adds the user; false when the name is taken. */
  create(user: User, call?: Call): Promise<boolean>;
  get(name: string, call?: Call): Promise<User | undefined>;
}

/** What a store may read of the job's ctx. */
export interface Call {
  readonly signal: AbortSignal;
}

export function memoryStore(): UserStore {
  const users = new Map<string, User>();
  return {
    async create(user) {
      if (users.has(user.name)) return false;
      users.set(user.name, { ...user });
      return true;
    },
    async get(name) {
      const user = users.get(name);
      return user && { ...user };
    },
  };
}

/** The part of a Workers KV namespace the store needs. */
export interface KeyValue {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}

/** Users as JSON values under `user:<name>` keys. */
export function keyValueStore(kv: KeyValue): UserStore {
  const key = (name: string) => `user:${name}`;
  return {
    async create(user) {
      // KV has no compare-and-set: a race between two creates of one name lets the last win.
      if ((await kv.get(key(user.name))) !== null) return false;
      await kv.put(key(user.name), JSON.stringify(user));
      return true;
    },
    async get(name) {
      const value = await kv.get(key(name));
      return value === null ? undefined : (JSON.parse(value) as User);
    },
  };
}

/** The part of a Workers D1 database the store needs. */
export interface SqlDatabase {
  prepare(query: string): {
    bind(...values: unknown[]): { run(): Promise<unknown>; first<T>(): Promise<T | null> };
  };
}

/**
 * Users as rows of D1's `users` table (examples/workers/migrations, applied by
 * `wrangler d1 migrations apply`). Its primary key makes a second create of a name fail.
 */
export function sqlDatabaseStore(db: SqlDatabase): UserStore {
  return {
    async create(user) {
      try {
        await db.prepare("insert into users (name) values (?)").bind(user.name).run();
        return true;
      } catch (error) {
        if (String((error as Error | null)?.message).includes("UNIQUE constraint failed")) return false;
        throw error;
      }
    },
    async get(name) {
      const row = await db.prepare("select name from users where name = ?").bind(name).first<User>();
      return row ? { name: row.name } : undefined;
    },
  };
}
