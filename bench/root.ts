import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (ending in `/`), found from this file whether run from source or from a bundle in bench/.out. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = `${dir}/package.json`;
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "jobwrap") return `${dir}/`;
    const up = dirname(dir);
    if (up === dir) throw new Error("bench: no jobwrap package.json above this file");
    dir = up;
  }
}

export const root = findRoot();
