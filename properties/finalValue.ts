/**
 * `final-value`: when an execution ends, each key a scenario names holds the
 * value it expects (`expectFinal`), or has no entry when it expects none. This is
 * how a kernel selftest's assertions on map contents (e.g. cg_storage_multi's
 * "parent = 2, child = 1") become a check of every interleaving. A NEW-map key's
 * value is its linked element's; a deprecated key's its storage buffer's (per-CPU
 * buffers summed slot by slot, as userspace would add up a lookup's CPUs).
 */

import { isCgroupStorageMap } from '../model/cgroupStorage/cgroupStorage.js';
import type { CgroupId, MapId, ObjId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import type { AttachType } from '../model/programs/bpfProgram.js';
import { cgroupName, mapName } from './names.js';
import { type Property, type Violation, violation } from './property.js';

export const FINAL_VALUE = 'final-value';

/** One key and what it must hold; `attachType` only for deprecated maps keyed by (cgroup, type). */
export interface FinalExpectation {
  readonly map: MapId;
  readonly cgroup: CgroupId;
  readonly attachType?: AttachType;
  /** u64 words from offset 0, the rest zero; undefined: no entry. */
  readonly value: readonly number[] | undefined;
  /** Instead of `value`: the key ends with one of these (undefined: no entry). */
  readonly anyOf?: readonly (readonly number[] | undefined)[];
}

/** The key's current value, or undefined when it has no entry. */
export function finalValueOf(k: Kernel, e: FinalExpectation): readonly number[] | undefined {
  const m = k.maps.get(e.map);
  if (m === undefined) return undefined;
  const slots = (obj: ObjId): readonly number[] => k.memory.objects.get(obj)?.data ?? [];
  if (!isCgroupStorageMap(m)) {
    // Only the cgroup's published owner storage counts: a lost first insert's storage never was.
    const elem = k.localStorages.linkedElem(k.cgroups.get(e.cgroup).bpfCgrpStorage, e.map);
    return elem === null ? undefined : slots(elem);
  }
  const s = m.list.find(
    (x) =>
      x.key?.cgroupInodeId === e.cgroup && (e.attachType === undefined || x.key.attachType === e.attachType),
  );
  if (s === undefined) return undefined;
  if (s.buf !== null) return slots(s.buf);
  const sum: number[] = [];
  for (const b of s.percpuBufs) {
    for (const [i, v] of slots(b).entries()) sum[i] = (sum[i] ?? 0) + v;
  }
  return sum;
}

const show = (v: readonly number[] | undefined): string =>
  v === undefined ? 'no entry' : `[${v.join(', ')}]`;

/** Equal values, or both absent; missing words are zero. */
function isSame(got: readonly number[] | undefined, want: readonly number[] | undefined): boolean {
  if (got === undefined || want === undefined) return got === want;
  const n = Math.max(got.length, want.length);
  // Stryker disable next-line EqualityOperator: index n is past both arrays, where both read as 0
  for (let i = 0; i < n; i++) if ((got[i] ?? 0) !== (want[i] ?? 0)) return false;
  return true;
}

function mismatch(k: Kernel, e: FinalExpectation): Violation | undefined {
  const got = finalValueOf(k, e);
  const wants = e.anyOf ?? [e.value];
  if (wants.some((want) => isSame(got, want))) return undefined;
  const padded = wants.map((want) =>
    want === undefined
      ? undefined
      : // Missing words are zero: shown up to the value's length, never cut below the expectation's.
        Array.from({ length: Math.max(got?.length ?? 0, want.length) }, (_, i) => want[i] ?? 0),
  );
  const key = `${mapName(k, e.map)}[${cgroupName(k, e.cgroup)}${e.attachType === undefined ? '' : `, ${e.attachType}`}]`;
  const expected = padded.length === 1 ? show(padded[0]) : `one of ${padded.map(show).join(', ')}`;
  return violation(FINAL_VALUE, `at the end ${key} holds ${show(got)}; the scenario expects ${expected}`);
}

/** Creates the property for a scenario's expectations (checked at the end, in order). */
export function createFinalValue(expectations: readonly FinalExpectation[]): Property {
  return {
    id: FINAL_VALUE,
    description: 'each key the scenario names ends holding the value it expects (expectFinal)',
    checkEnd(k) {
      for (const e of expectations) {
        const v = mismatch(k, e);
        if (v !== undefined) return v;
      }
      return undefined;
    },
  };
}
