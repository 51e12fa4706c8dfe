import type { KeyValue } from "./store.js";

/** A user's picture: its bytes and media type. */
export interface Avatar {
  type: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Where avatars are kept: in memory by default, the `USERS` KV namespace on Workers. */
export interface AvatarStore {
  put(name: string, avatar: Avatar): Promise<void>;
  get(name: string): Promise<Avatar | undefined>;
}

export function memoryAvatars(): AvatarStore {
  const avatars = new Map<string, Avatar>();
  return {
    async put(name, avatar) {
      avatars.set(name, avatar);
    },
    async get(name) {
      return avatars.get(name);
    },
  };
}

/** Avatars as JSON (media type and base64 bytes) under `avatar:<name>` keys of the users' KV namespace. */
export function keyValueAvatars(kv: KeyValue): AvatarStore {
  const key = (name: string) => `avatar:${name}`;
  return {
    async put(name, avatar) {
      let binary = "";
      for (const byte of avatar.bytes) binary += String.fromCharCode(byte);
      await kv.put(key(name), JSON.stringify({ type: avatar.type, base64: btoa(binary) }));
    },
    async get(name) {
      const value = await kv.get(key(name));
      if (value === null) return undefined;
      const { type, base64 } = JSON.parse(value) as { type: string; base64: string };
      return { type, bytes: Uint8Array.from(atob(base64), (char) => char.charCodeAt(0)) };
    },
  };
}
