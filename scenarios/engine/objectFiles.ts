/**
 * Reading the BPF objects a scenario file names (the edge: the model opens bytes,
 * this file reads them). Paths are relative to the scenario file. Each program a
 * scenario names is opened and checked instruction by instruction here, so a bad
 * object is an input error naming the file, the section and the instruction.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BpfObject } from '../../model/programs/bpfObject.js';
import { bpfObjectOpen, findObjectProgram, type OpenedProgram } from '../../model/programs/bpfObjectOpen.js';
import { ebpfCheck } from '../../model/programs/ebpf/ebpfCheck.js';
import { formatLoadError } from '../../model/programs/loadError.js';
import { type ObjectProgramResolver, programInfoOfSection } from '../format/objectProgram.js';

/** An object as read: its parsed form and the sha256 of its bytes (a replay token's hash covers it). */
export interface OpenedObject {
  readonly object: BpfObject<OpenedProgram>;
  readonly sha256: string;
}

function openFile(scenarioPath: string, path: string): OpenedObject | string {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(resolve(dirname(scenarioPath), path)));
  } catch (e) {
    return `${path}: cannot read the object file (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`;
  }
  const r = bpfObjectOpen(bytes);
  if (!r.ok) return `${path}: ${formatLoadError(r.error)}`;
  return { object: r.value, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A resolver that reads each object once into `opened` (keyed by the path as written). */
export function objectProgramResolver(
  scenarioPath: string,
  opened: Map<string, OpenedObject>,
): ObjectProgramResolver {
  return (path, name) => {
    const o = opened.get(path) ?? openFile(scenarioPath, path);
    if (typeof o === 'string') return o;
    opened.set(path, o);
    const p = findObjectProgram(o.object, name);
    if (typeof p === 'string') return `${path}: ${p}`;
    const bad = ebpfCheck(p);
    if (bad !== undefined) return `${path}: ${formatLoadError(bad)}`;
    const info = programInfoOfSection(p.section);
    return (
      info ??
      `${path}: section '${p.section}': program '${p.name}': no scenario program type for this section`
    );
  };
}

/** The objects' content, for a replay token's hash: path and sha256 of each, in order. */
export function objectsDigest(opened: ReadonlyMap<string, OpenedObject>): string {
  return [...opened].map(([path, o]) => `${path} sha256:${o.sha256}`).join('\n');
}
