/** What `main.ts` loads and each command exports, kept apart so neither imports the other for it. */

export interface Command {
  /** Runs with the arguments after the command's name, writing to `io`; resolves to the exit code. */
  run(args: string[], io: Io): Promise<number>;
}

/** Where a command writes: its result to `out`, usage, progress and errors to `err`. Tests pass their own. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const consoleIo: Io = { out: (text) => console.log(text), err: (text) => console.error(text) };
