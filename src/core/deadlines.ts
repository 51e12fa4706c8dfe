/**
 * The deadlines of the calls in flight, behind one timer set for the earliest. Arming and
 * disarming a call is then a Set's add and delete: a timer of its own for every request
 * cost as much as the rest of a small request on Lambda (see bench/FINDINGS.md).
 */
export interface Watched {
  /** Epoch milliseconds. */
  readonly at: number;
  expire(): void;
  /** Set by `watch` when the entry has a timer of its own. */
  ownTimer?: ReturnType<typeof setTimeout>;
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

/**
 * Calls `entry.expire()` at `entry.at`, unless it is unwatched first. With `ownTimer`, the
 * entry gets a timer of its own instead of sharing one: where a timer belongs to the request
 * that set it (Workers), a shared timer set while serving one request never fires for another.
 */
export function watch(entry: Watched, ownTimer = false): void {
  if (ownTimer) {
    entry.ownTimer = setTimeout(entry.expire, Math.min(longestDelay, Math.max(0, entry.at - Date.now())));
    return;
  }
  watched.add(entry);
  if (entry.at < timerAt) setTimer(entry.at);
  else if (watched.size === 1) hold(true);
}

export function unwatch(entry: Watched): void {
  if (entry.ownTimer !== undefined) clearTimeout(entry.ownTimer);
  else if (watched.delete(entry) && watched.size === 0) hold(false);
}
