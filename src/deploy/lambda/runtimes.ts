import { Runtime } from "@aws-sdk/client-lambda";

/** The SDK's Node runtimes from nodejs22.x on: Node 20 is past its end of life. */
export function nodeRuntimes(): Runtime[] {
  return Object.values(Runtime).filter((runtime) => Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? 0) >= 22);
}
