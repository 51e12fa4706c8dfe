/**
 * The deadlines of the calls in flight, behind one timer set for the earliest. Arming and
 * disarming a call is then a Set's add and delete: a timer of its own for every request
 * cost as much as the rest of a small request on Lambda (see bench/FINDINGS.md).
 */
export interface Watched {
  /** Epoch milliseconds. */
  readonly at: number;
  expire(): void;
}

const watched = new Set<Watched>();
let timer: ReturnType<typeof setTimeout> | undefined;
let timerAt = Number.POSITIVE_INFINITY;
/** setTimeout fires at once for a delay past 2^31 - 1 ms. */
const longestDelay = 2 ** 31 - 1;

/** On Node, the timer keeps the process alive only while a call waits on it. */
function hold(on: boolean): void {
  const handle = timer as { ref?(): unknown; unref?(): unknown } | number | undefined;
  if (typeof handle === "object") (on ? handle.ref : handle.unref)?.call(handle);
}

function setTimer(at: number): void {
  if (timer !== undefined) clearTimeout(timer);
  timerAt = at;
  timer = setTimeout(sweep, Math.min(longestDelay, Math.max(0, at - Date.now())));
}

function sweep(): void {
  timer = undefined;
  timerAt = Number.POSITIVE_INFINITY;
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  for (const entry of watched) {
    if (entry.at <= now) {
      watched.delete(entry);
      entry.expire();
    } else if (entry.at < next) next = entry.at;
  }
  if (next !== Number.POSITIVE_INFINITY) setTimer(next);
}

/** Calls `entry.expire()` at `entry.at`, unless it is unwatched first. */
export function watch(entry: Watched): void {
  watched.add(entry);
  if (entry.at < timerAt) setTimer(entry.at);
  else if (watched.size === 1) hold(true);
}

export function unwatch(entry: Watched): void {
  if (watched.delete(entry) && watched.size === 0) hold(false);
}
