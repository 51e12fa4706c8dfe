import { keyValueStore, memoryStore, type KeyValue, type UserStore } from "../../examples/users/store.js";

// Every peer keeps users exactly where the jobwrap example does: the `USERS` KV namespace
// when bound (Workers), else one store in memory for the process.

const memory = memoryStore();

export function storeOf(env: unknown): UserStore {
  const kv = (env as { USERS?: KeyValue } | undefined)?.USERS;
  return kv && typeof kv.get === "function" ? keyValueStore(kv) : memory;
}
