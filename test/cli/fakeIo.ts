/** An in-memory CliIo: captured output, a virtual file system, a hand-driven clock and SIGINT. */
import { dirname } from 'node:path';
import type { CliIo, IoResult, PathKind } from '../../cli/io.js';

/** A CliIo whose effects tests can read and drive. */
export interface FakeIo extends CliIo {
  out: string;
  err: string;
  /** Absolute path → contents. */
  readonly files: Map<string, string>;
  readonly folders: Set<string>;
  /** Paths whose reads fail with `permission denied`. */
  readonly unreadable: Set<string>;
  /** Folders where writes fail with `read-only file system`. */
  readonly readOnly: Set<string>;
  /** Current clock in ms; `now()` also adds `tickMs` per call. */
  time: number;
  tickMs: number;
  readonly exits: number[];
  /** Paths that are devices or FIFOs. */
  readonly specialFiles: Set<string>;
  /** Symlinks: path → the absolute path they resolve to. */
  readonly links: Map<string, string>;
  /** Delivers a SIGINT to the subscribers. */
  interrupt(): void;
  /** Number of live SIGINT subscriptions. */
  readonly interruptHandlers: Set<() => void>;
}

/** Options of a fake: a terminal or not, its width, the start time. */
export interface FakeIoOptions {
  readonly isTty?: boolean;
  readonly columns?: number;
  readonly time?: number;
  /** The environment the cli sees. @defaultValue {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A fresh fake with cwd `/work` (an existing, empty folder). */
export function createFakeIo(options: FakeIoOptions = {}): FakeIo {
  const fail = (reason: string): IoResult<never> => ({ ok: false, reason });
  const io: FakeIo = {
    out: '',
    err: '',
    files: new Map(),
    folders: new Set(['/', '/work']),
    unreadable: new Set(),
    readOnly: new Set(),
    time: options.time ?? 1_764_034_000_000,
    tickMs: 0,
    exits: [],
    specialFiles: new Set(),
    links: new Map(),
    interruptHandlers: new Set(),
    stdout(text) {
      io.out += text;
    },
    stderr(text) {
      io.err += text;
    },
    isStderrTty: options.isTty ?? false,
    ...(options.isTty ? { stderrColumns: options.columns ?? 80, stdoutColumns: options.columns ?? 80 } : {}),
    cwd: '/work',
    version: '0.1.0',
    parallelism: 8,
    now() {
      const t = io.time;
      io.time += io.tickMs;
      return t;
    },
    statPath(path): PathKind {
      if (io.folders.has(path)) return 'folder';
      return io.files.has(path) ? 'file' : 'missing';
    },
    readFile(path) {
      if (io.unreadable.has(path)) return fail('permission denied (EACCES)');
      const text = io.files.get(path);
      return text === undefined ? fail('no such file or folder (ENOENT)') : { ok: true, value: text };
    },
    writeFileAtomic(path, text) {
      const folder = dirname(path);
      if (!io.folders.has(folder)) return fail('no such file or folder (ENOENT)');
      if (io.readOnly.has(folder)) return fail('read-only file system (EROFS)');
      io.files.set(path, text);
      return { ok: true, value: undefined };
    },
    isSpecialFile: (path) => io.specialFiles.has(path),
    realPath: (path) => io.links.get(path) ?? path,
    makeFolder(path) {
      if (io.readOnly.has(dirname(path))) return fail('read-only file system (EROFS)');
      for (let p = path; !io.folders.has(p); p = dirname(p)) io.folders.add(p);
      return { ok: true, value: undefined };
    },
    onInterrupt(handler) {
      io.interruptHandlers.add(handler);
      return () => io.interruptHandlers.delete(handler);
    },
    exit(code) {
      io.exits.push(code);
    },
    interrupt() {
      for (const h of [...io.interruptHandlers]) h();
    },
    listFolder(path) {
      if (!io.folders.has(path)) return fail('no such file or folder (ENOENT)');
      const prefix = path.endsWith('/') ? path : `${path}/`;
      const names = new Set<string>();
      for (const p of [...io.files.keys(), ...io.folders]) {
        if (p.startsWith(prefix) && p.length > prefix.length)
          names.add(p.slice(prefix.length).split('/')[0]!);
      }
      return { ok: true, value: [...names].sort() };
    },
    appendFile(path, text) {
      const folder = dirname(path);
      if (!io.folders.has(folder)) return fail('no such file or folder (ENOENT)');
      if (io.readOnly.has(folder)) return fail('read-only file system (EROFS)');
      io.files.set(path, (io.files.get(path) ?? '') + text);
      return { ok: true, value: undefined };
    },
    env: options.env ?? {},
    packageRoot: '/pkg',
  };
  return io;
}
