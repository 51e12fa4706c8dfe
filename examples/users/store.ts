export interface User {
  name: string;
}

/** The backend the users jobs call: in memory by default, KV on Workers. */
export interface UserStore {
  /** Adds the user; false when the name is taken. */
  create(user: User): Promise<boolean>;
  get(name: string): Promise<User | undefined>;
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
