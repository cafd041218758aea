/**
 * The real file system under writeFileAtomic: a regular file is replaced
 * atomically, a symlink is followed (the link stays a link), a FIFO and a
 * device are written in place and stay what they were; realPath sees through links.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createNodeIo } from '../../cli/nodeIo.js';

const io = createNodeIo('0.0.0', 1);
const fresh = () => mkdtempSync(join(tmpdir(), 'cgrpcheck-io-'));

describe('writeFileAtomic', () => {
  test('a regular file is replaced; no temp file is left', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'r.json'), 'old');
    expect(io.writeFileAtomic(join(dir, 'r.json'), 'new')).toEqual({ ok: true, value: undefined });
    expect(readFileSync(join(dir, 'r.json'), 'utf8')).toBe('new');
    expect(io.listFolder(dir)).toEqual({ ok: true, value: ['r.json'] });
  });

  test('a symlink is followed: the target gets the text, the link stays', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'target.json'), 'old');
    symlinkSync('target.json', join(dir, 'link.json'));
    expect(io.writeFileAtomic(join(dir, 'link.json'), 'new').ok).toBe(true);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'link.json'))).toBe('target.json');
    expect(readFileSync(join(dir, 'target.json'), 'utf8')).toBe('new');
    expect(io.realPath(join(dir, 'link.json'))).toBe(io.realPath(join(dir, 'target.json')));
  });

  test('a dangling symlink creates its target', () => {
    const dir = fresh();
    symlinkSync('later.json', join(dir, 'link.json'));
    expect(io.writeFileAtomic(join(dir, 'link.json'), 'text').ok).toBe(true);
    expect(lstatSync(join(dir, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'later.json'), 'utf8')).toBe('text');
  });

  test('a device is written in place and stays a device; a full one is an error, not a replacement', () => {
    expect(io.isSpecialFile('/dev/null')).toBe(true);
    expect(io.writeFileAtomic('/dev/null', 'report').ok).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(io.writeFileAtomic('/dev/full', 'report')).toEqual({
      ok: false,
      reason: 'no space left on device (ENOSPC)',
    });
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  test('a FIFO is written in place for its reader and stays a FIFO', async () => {
    const dir = fresh();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => {
      got += d.toString();
    });
    const done = new Promise((ok) => reader.on('close', ok));
    expect(io.writeFileAtomic(fifo, 'through the pipe\n').ok).toBe(true);
    await done;
    expect(got).toBe('through the pipe\n');
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  test('realPath of a missing file resolves its folder', () => {
    const dir = fresh();
    symlinkSync(dir, join(dir, 'self'));
    expect(io.realPath(join(dir, 'self', 'nope.json'))).toBe(join(io.realPath(dir), 'nope.json'));
  });
});
