/**
 * The deadlines of the calls in flight, behind one timer set for the earliest. Arming and
 * disarming a call is then a push and a flag: a timer of its own for every request cost as much
 * as the rest of a small request on Lambda (see bench/FINDINGS.md), and so did a Set's add and
 * delete once it had churned (V8 rehashes and shrinks it as it empties and fills).
 */
export interface Watched {
  /** Epoch milliseconds. */
  readonly at: number;
  /** Dropped by `unwatch`: a disarmed entry may wait in the list until it is compacted, and must not keep its call alive meanwhile. */
  expire: () => void;
  /** Set by `watch` when the entry has a timer of its own. */
  ownTimer?: ReturnType<typeof setTimeout>;
  /** True from `watch` until it is unwatched or expires (shared timer only). */
  watching?: boolean;
}

/** In arming order; a disarmed entry stays until the list is compacted or empties. */
const watched: Watched[] = [];
/** How many entries of `watched` are still watching, and how many are not. */
let live = 0;
let dead = 0;
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

/** True from a deferred `settle` being asked for until it runs. */
let settling = false;

/** Sets the timer for the earliest entry still watching, unless it is set for that or earlier. */
function settle(): void {
  settling = false;
  let earliest = Number.POSITIVE_INFINITY;
  for (const entry of watched) if (entry.watching && entry.at < earliest) earliest = entry.at;
  if (earliest < timerAt) setTimer(earliest);
}

/** Drops the disarmed entries, so that a busy server (never idle) does not keep every call it served. */
function compact(): void {
  let kept = 0;
  for (const entry of watched) if (entry.watching) watched[kept++] = entry;
  watched.length = kept;
  dead = 0;
}

function sweep(): void {
  timer = undefined;
  timerAt = Number.POSITIVE_INFINITY;
  const now = Date.now();
  let next = Number.POSITIVE_INFINITY;
  const due: Watched[] = [];
  compact();
  let kept = 0;
  for (const entry of watched) {
    if (entry.at <= now) due.push(entry);
    else {
      watched[kept++] = entry;
      if (entry.at < next) next = entry.at;
    }
  }
  watched.length = kept;
  live = kept;
  // After the list is whole again: an expiry may arm or disarm another call.
  for (const entry of due) {
    entry.watching = false;
    entry.expire();
  }
  if (next < timerAt) setTimer(next);
}

/**
 * How a platform's deadlines are timed: `own`, a timer for each entry, where a timer belongs to
 * the request that set it (Workers: a shared timer set while serving one request never fires for
 * another); else one shared timer, set through `afterTurn` where the platform has it (Node's
 * `process.nextTick`), and then only for a call still unfinished when it runs. Queued from a
 * promise callback, as a Lambda runtime calls its handler, a tick runs once the microtasks queued
 * so far are done: a call answered without waiting on anything (an in-memory store, a validation
 * failure) sets no timer, and the first timer of a process cost a quarter of a Lambda cold start's
 * first event. Queued from an event's own callback (a Node server's request), it runs before
 * them, and the timer is set as it would be at once.
 */
export type Timing = "own" | ((run: () => void) => void) | undefined;

/** Calls `entry.expire()` at `entry.at`, unless it is unwatched first. */
export function watch(entry: Watched, timing?: Timing): void {
  if (timing === "own") {
    entry.ownTimer = setTimeout(entry.expire, Math.min(longestDelay, Math.max(0, entry.at - Date.now())));
    return;
  }
  entry.watching = true;
  watched.push(entry);
  live++;
  if (entry.at < timerAt) {
    if (timing === undefined) setTimer(entry.at);
    else if (!settling) {
      settling = true;
      timing(settle);
    }
  } else if (live === 1) hold(true);
}

/** Does nothing: what a disarmed entry's `expire` becomes. */
function expired(): void {}

export function unwatch(entry: Watched): void {
  // The closure holds the request's call, and through it the request, its answer and its job's
  // values: kept by the list until compaction, up to 64 finished requests would outlive their
  // answers, surviving the young generation's collections (more GC, a larger heap).
  entry.expire = expired;
  if (entry.ownTimer !== undefined) clearTimeout(entry.ownTimer);
  else if (entry.watching) {
    entry.watching = false;
    if (--live === 0) {
      // One entry is the common case (requests one at a time, as on Lambda): `pop` is inlined,
      // where setting `length` calls into the runtime.
      if (watched.length === 1) watched.pop();
      else watched.length = 0;
      dead = 0;
      hold(false);
    } else if (++dead > 64 && dead > live) compact();
  }
}
