import { keyValueStore, memoryStore, type KeyValue, type UserStore } from "../../examples/users/store.js";

// Every peer keeps users exactly where the jobwrap example does: the `USERS` KV namespace
// when bound (Workers), else one store in memory for the process, unless a server program
// chose another for the whole process (the PostgreSQL row: the example's own store).

const memory = memoryStore();
let chosen: UserStore | undefined;

/** The store every peer of this process uses, as `useStore` does for the jobwrap example. */
export function usePeerStore(store: UserStore): void {
  chosen = store;
}

export function storeOf(env: unknown): UserStore {
  if (chosen) return chosen;
  const kv = (env as { USERS?: KeyValue } | undefined)?.USERS;
  return kv && typeof kv.get === "function" ? keyValueStore(kv) : memory;
}
