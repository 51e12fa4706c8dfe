// What the stores that call a server share: how one is chosen from the environment, how a
// failed call is answered, and how a create the backend refused for a taken name becomes `false` (409).
import { backendUnavailable } from "jobwrap";
import { useStore } from "./index.js";
import type { UserStore } from "./store.js";

/** With the environment variable `name` set, the store `make` makes of its value, chosen for every job of the process; else undefined (memory). */
export function useStoreFromEnv<T extends UserStore>(name: string, make: (value: string) => T): T | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  const store = make(value);
  useStore(store);
  return store;
}

/**
 * What a store throws when a call fails: the deadline's own error when the job's signal aborted
 * (504), a 503 with `Retry-After` when the backend cannot serve now, else the failure itself (500).
 */
export function failureOf(error: unknown, signal: AbortSignal | undefined, unavailable: (error: unknown) => boolean): unknown {
  if (signal?.aborted) return signal.reason;
  return unavailable(error) ? backendUnavailable(error) : error;
}

/** True once `write` succeeds; false when it failed because the name is taken (the backend's own check). */
export async function createdUnlessTaken(write: () => Promise<unknown>, taken: (error: unknown) => boolean): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (taken(error)) return false;
    throw error;
  }
}
