// The users store on Firestore, the Google-native choice for Cloud Functions and App Engine: one
// client per instance, made on the first call (its project and credentials from the environment,
// the emulator's address from FIRESTORE_EMULATOR_HOST).
import type { Firestore } from "@google-cloud/firestore";
import { backendUnavailable } from "jobwrap";
import { createdUnlessTaken, failureOf, useStoreFromEnv } from "./backend.js";
import type { User, UserStore } from "./store.js";

// gRPC status codes: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE.
const unavailableCodes = new Set([4, 8, 10, 13, 14]);
const alreadyExists = 6;

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * Runs `call`, bounded twice: the job's deadline answers 504 without waiting for it (the client
 * takes no signal), and `limit` answers 503, since the client retries an unreachable server for
 * up to a minute, longer than a request should wait to learn it.
 */
async function bounded<T>(signal: AbortSignal | undefined, limit: number, call: () => Promise<T>): Promise<T> {
  signal?.throwIfAborted();
  let stop!: (reason: unknown) => void;
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  const abort = () => stop(signal!.reason);
  const timer = setTimeout(() => stop(backendUnavailable(new Error(`Firestore did not answer within ${limit} ms`))), limit);
  signal?.addEventListener("abort", abort, { once: true });
  try {
    return await Promise.race([call(), stopped]);
  } catch (error) {
    throw failureOf(error, signal, (failed) => unavailableCodes.has(codeOf(failed) as number));
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
  }
}

/** Users as documents of `collection`, each named by the user's name. `callTimeout`: ms before a call that gets no answer is a 503 (default 10 s). */
export function firestoreStore(collection: string, { callTimeout = 10_000 } = {}): UserStore {
  let client: Promise<Firestore> | undefined;
  const db = () => (client ??= import("@google-cloud/firestore").then(({ Firestore }) => new Firestore({ ignoreUndefinedProperties: true })));
  const doc = async (name: string) => (await db()).collection(collection).doc(name);

  return {
    // create() fails when the document exists: the check and the write are one operation.
    create: (user, ctx) =>
      createdUnlessTaken(
        () => bounded(ctx?.signal, callTimeout, async () => (await doc(user.name)).create({ name: user.name })),
        (error) => codeOf(error) === alreadyExists,
      ),
    async get(name, ctx) {
      const snapshot = await bounded(ctx?.signal, callTimeout, async () => (await doc(name)).get());
      return snapshot.exists ? { name: (snapshot.data() as User).name } : undefined;
    },
  };
}

/** With `USERS_COLLECTION` set, the Firestore store, chosen for every job of this instance; else the in-memory one stays. */
export function firestoreFromEnv(): UserStore | undefined {
  return useStoreFromEnv("USERS_COLLECTION", (collection) => firestoreStore(collection));
}
