/** CliIo over the real process: stdout, stderr, the file system, the clock, SIGINT. */
import {
  appendFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CliIo, IoResult, PathKind } from './io.js';

let tempCounter = 0;

/** The process's CliIo; `version` and `parallelism` are resolved by the caller. */
export function createNodeIo(version: string, parallelism: number, packageRoot?: string): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isStderrTty: process.stderr.isTTY === true,
    ...columnsOf('stderrColumns', process.stderr),
    ...columnsOf('stdoutColumns', process.stdout),
    cwd: process.cwd(),
    version,
    parallelism,
    now: () => performance.timeOrigin + performance.now(),
    statPath,
    readFile: (path) => attempt(() => readFileSync(path, 'utf8')),
    writeFileAtomic,
    isSpecialFile,
    realPath,
    makeFolder: (path) =>
      attempt(() => {
        mkdirSync(path, { recursive: true });
      }),
    onInterrupt(handler) {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    exit: (code) => process.exit(code),
    listFolder: (path) => attempt(() => readdirSync(path).sort(compareCodeUnits)),
    appendFile: (path, text) => attempt(() => appendFileSync(path, text, 'utf8')),
    env: process.env,
    ...(packageRoot === undefined ? {} : { packageRoot }),
  };
}

/** Orders names by UTF-16 code unit, the same on every machine and locale. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A terminal's width, when it is a terminal that knows it (a pty may say 0). */
function columnsOf<K extends string>(key: K, stream: NodeJS.WriteStream): { [P in K]?: number } {
  return stream.isTTY && stream.columns > 0 ? ({ [key]: stream.columns } as { [P in K]: number }) : {};
}

function statPath(path: string): PathKind {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

/** Follows symlinks to the file they name, then writes it as {@link CliIo.writeFileAtomic} says. */
function writeFileAtomic(path: string, text: string): IoResult<void> {
  const target = linkTarget(path);
  if (isSpecialFile(target))
    return attempt(() => writeFileSync(target, text, { encoding: 'utf8', flag: 'w' }));
  return replaceRegularFile(target, text);
}

/** The path a chain of symlinks ends at (which may not exist yet); `path` itself when it is no link. */
function linkTarget(path: string): string {
  let at = path;
  for (let hops = 0; hops < 40; hops++) {
    try {
      if (!lstatSync(at).isSymbolicLink()) return at;
      at = resolve(dirname(at), readlinkSync(at));
    } catch {
      return at;
    }
  }
  return at;
}

function isSpecialFile(path: string): boolean {
  try {
    const s = statSync(path);
    return !s.isFile() && !s.isDirectory();
  } catch {
    return false;
  }
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realPath(parent), basename(path));
  }
}

/** Temp file in the same folder (same file system), then rename over `path`. */
function replaceRegularFile(path: string, text: string): IoResult<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
  const written = attempt(() => {
    writeFileSync(temp, text, { encoding: 'utf8', flag: 'wx' });
    renameSync(temp, path);
  });
  if (!written.ok) rmSync(temp, { force: true });
  return written;
}

/** Runs a file operation, turning a Node error into one line such as `no such file (ENOENT)`. */
function attempt<T>(op: () => T): IoResult<T> {
  try {
    return { ok: true, value: op() };
  } catch (e) {
    return { ok: false, reason: describeFsError(e) };
  }
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a folder',
  ENOTDIR: 'a parent is not a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
};

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code !== undefined) return `${REASONS[code] ?? 'failed'} (${code})`;
  return e instanceof Error ? e.message : String(e);
}
