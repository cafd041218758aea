/**
 * The process as the cli sees it. cli/nodeIo.ts implements it over Node;
 * tests pass an in-memory fake, so every output and exit code is pinned.
 */

/** A file operation's outcome; `reason` is one line such as `no such file`. */
export type IoResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/** What a path names. */
export type PathKind = 'file' | 'folder' | 'missing';

/** Everything the cli may touch outside its own memory. */
export interface CliIo {
  /** Writes to stdout as is (no newline added). */
  stdout(text: string): void;
  /** Writes to stderr as is (no newline added). */
  stderr(text: string): void;
  /** True when stderr is a terminal: the only case with a progress bar. */
  readonly isStderrTty: boolean;
  /** Terminal width of stderr, when it is a terminal. */
  readonly stderrColumns?: number;
  /** Terminal width of stdout, when it is a terminal; trace tables fit it. */
  readonly stdoutColumns?: number;
  /** Absolute working directory; relative paths resolve against it. */
  readonly cwd: string;
  /** The package version, from package.json. */
  readonly version: string;
  /** Default for `--workers` (os.availableParallelism()). */
  readonly parallelism: number;
  /** Milliseconds on a monotonic-enough clock; the cli's only clock. */
  now(): number;
  /** What `path` names right now. */
  statPath(path: string): PathKind;
  /** Reads a UTF-8 file. */
  readFile(path: string): IoResult<string>;
  /**
   * Writes a UTF-8 file. A regular file (or a new one) is written atomically: a
   * temp file in the same folder, then a rename, so a crash or Ctrl-C never
   * leaves it half-written. A symlink is followed and its target written the
   * same way (the link stays); a device, FIFO or socket is written in place,
   * never replaced.
   */
  writeFileAtomic(path: string, text: string): IoResult<void>;
  /** True when `path` exists and is not a regular file or folder (a device, FIFO or socket). */
  isSpecialFile(path: string): boolean;
  /** `path` with every symlink resolved (its folder's, when it does not exist): two names of one file compare equal. */
  realPath(path: string): string;
  /** Creates a folder and its parents; succeeds if it exists. */
  makeFolder(path: string): IoResult<void>;
  /** The names in a folder, sorted by code unit (not by locale). */
  listFolder(path: string): IoResult<readonly string[]>;
  /** Appends UTF-8 text to a file, creating it if needed (GitHub's step summary). */
  appendFile(path: string, text: string): IoResult<void>;
  /** The environment variables the cli reads (`GITHUB_ACTIONS`, `GITHUB_STEP_SUMMARY`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The folder holding package.json, when known: annotations find catalogue sources under it. */
  readonly packageRoot?: string;
  /** Calls `handler` on each SIGINT until the returned function unsubscribes. */
  onInterrupt(handler: () => void): () => void;
  /** Ends the process at once (second Ctrl-C). */
  exit(code: number): void;
}
