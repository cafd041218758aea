/**
 * The committed BPF objects are the ones built from the committed sources:
 * examples/bpf/manifest.json (written by `npm run build:bpf`) records the sha256
 * of each source, of the shared header and of each object.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const DIR = join(import.meta.dirname, '../../../examples/bpf');

interface Manifest {
  readonly compiler: string;
  readonly header: string;
  readonly headerSha256: string;
  readonly objects: readonly {
    source: string;
    sourceSha256: string;
    object: string;
    objectSha256: string;
  }[];
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as Manifest;
const sha256 = (file: string): string =>
  createHash('sha256')
    .update(readFileSync(join(DIR, file)))
    .digest('hex');
const rebuild = 'changed without `npm run build:bpf` (rebuild the objects and commit them)';

describe('examples/bpf fixtures', () => {
  test('were built by Debian clang 14.0.6 with -O2 -g -target bpf', () => {
    expect(manifest.compiler).toBe('Debian clang version 14.0.6');
  });

  test('every source is in the manifest', () => {
    const sources = readdirSync(DIR)
      .filter((f) => f.endsWith('.bpf.c'))
      .sort();
    expect(manifest.objects.map((o) => o.source)).toEqual(sources);
  });

  test('the shared header is the one the objects were built with', () => {
    expect(sha256(manifest.header), `${manifest.header} ${rebuild}`).toBe(manifest.headerSha256);
  });

  test.each(manifest.objects)('$object is built from the current $source', (o) => {
    expect(sha256(o.source), `${o.source} ${rebuild}`).toBe(o.sourceSha256);
    expect(sha256(o.object), `${o.object} is not the object the manifest recorded`).toBe(o.objectSha256);
  });
});
