import { describe, expect, it } from 'vitest';
import {
  bpfCgroupStorageAlloc,
  bpfCgroupStorageLink,
  cgroupStorageMapAlloc,
  cgroupStorageMapOf,
} from '../../model/cgroupStorage/cgroupStorage.js';
import { cgrpStorageUpdateElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { asMapId, type MapId } from '../../model/core/ids.js';
import { runToCompletion } from '../../model/core/step.js';
import { BPF_ANY } from '../../model/localStorage/localStorage.js';
import type { AttachType } from '../../model/programs/bpfProgram.js';
import { createFinalValue, type FinalExpectation, finalValueOf } from '../../properties/finalValue.js';
import { runOp } from '../model/driver.js';
import { makeWorld, type World } from './fixture.js';

const update = (w: World, value: number[]) =>
  runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, value, BPF_ANY));
const endOf = (w: World, ...e: FinalExpectation[]) => createFinalValue(e).checkEnd?.(w.k)?.message;

/** A deprecated map `name` with one storage of cg per attach type, holding `data` (per CPU for percpu). */
function deprecated(
  w: World,
  name: string,
  mapType: 'cgroup_storage' | 'percpu_cgroup_storage',
  entries: readonly [AttachType, readonly (readonly number[])[]][],
): MapId {
  const r = cgroupStorageMapAlloc(w.k, { name, mapType, keySize: 16, valueSize: 16 });
  if (!r.ok) throw new Error('map');
  const map = cgroupStorageMapOf(w.k, r.value);
  for (const [type, data] of entries) {
    const s = bpfCgroupStorageAlloc(w.k, w.user, map);
    if (!s.ok) throw new Error('alloc');
    const bufs = s.value.buf === null ? s.value.percpuBufs : [s.value.buf];
    bufs.forEach((b, i) => {
      const slots = w.k.memory.get(b).data!;
      slots.splice(0, slots.length, ...data[i]!);
    });
    runToCompletion(bpfCgroupStorageLink(w.k, w.user, s.value, w.cg, type));
  }
  return r.value;
}

describe('final-value: the value a key holds at the end (finalValueOf)', () => {
  it("a NEW-map key holds its linked element's slots, or no entry before any update", () => {
    const w = makeWorld();
    expect(finalValueOf(w.k, { map: w.map, cgroup: w.cg, value: undefined })).toBeUndefined();
    update(w, [4, 5]);
    expect(finalValueOf(w.k, { map: w.map, cgroup: w.cg, value: undefined })).toEqual([4, 5]);
    expect(finalValueOf(w.k, { map: w.map, cgroup: w.cg2, value: undefined })).toBeUndefined();
  });

  it('a map id the kernel does not know has no entry', () => {
    const w = makeWorld();
    expect(finalValueOf(w.k, { map: asMapId(99), cgroup: w.cg, value: [0] })).toBeUndefined();
  });

  it("a deprecated shared key holds its buffer; the attach type picks among the cgroup's storages", () => {
    const w = makeWorld();
    const cs = deprecated(w, 'cs', 'cgroup_storage', [
      ['cgroup_inet_egress', [[1, 2]]],
      ['cgroup_inet_ingress', [[3, 4]]],
    ]);
    const at = (attachType?: AttachType) =>
      finalValueOf(w.k, { map: cs, cgroup: w.cg, value: undefined, ...(attachType ? { attachType } : {}) });
    // list_map is newest first: without an attach type the last-linked storage (ingress) is found
    expect([at('cgroup_inet_egress'), at('cgroup_inet_ingress'), at()]).toEqual([
      [1, 2],
      [3, 4],
      [3, 4],
    ]);
    expect(finalValueOf(w.k, { map: cs, cgroup: w.cg2, value: undefined })).toBeUndefined();
  });

  it('a deprecated per-CPU key holds its CPU buffers summed slot by slot', () => {
    const w = makeWorld();
    expect(w.k.cpus.length).toBe(2);
    const pcs = deprecated(w, 'pcs', 'percpu_cgroup_storage', [
      [
        'cgroup_inet_egress',
        [
          [1, 10],
          [2, 20],
        ],
      ],
    ]);
    expect(finalValueOf(w.k, { map: pcs, cgroup: w.cg, value: undefined })).toEqual([3, 30]);
  });
});

describe('final-value: the property', () => {
  it('holds when each key ends as expected, words past the end counting as zero', () => {
    const w = makeWorld();
    update(w, [7, 0]);
    expect(endOf(w, { map: w.map, cgroup: w.cg, value: [7] })).toBeUndefined();
    expect(endOf(w, { map: w.map, cgroup: w.cg, value: [7, 0, 0] })).toBeUndefined();
    expect(endOf(w, { map: w.map, cgroup: w.cg2, value: undefined })).toBeUndefined();
    expect(endOf(w, { map: w.map, cgroup: w.cg, value: [0], anyOf: [[1], [7]] })).toBeUndefined();
  });

  it('is violated by a value that differs, showing the expectation padded with zeros to the length of what it holds, never cut', () => {
    const w = makeWorld();
    update(w, [7, 1]);
    expect(endOf(w, { map: w.map, cgroup: w.cg, value: [7] })).toBe(
      'at the end m1[cg] holds [7, 1]; the scenario expects [7, 0]',
    );
    expect(endOf(w, { map: w.map, cgroup: w.cg, value: [7, 1, 2] })).toBe(
      'at the end m1[cg] holds [7, 1]; the scenario expects [7, 1, 2]',
    );
  });

  it('is violated by an entry where none is expected, and by none where one is', () => {
    const w = makeWorld();
    update(w, [7, 1]);
    expect(endOf(w, { map: w.map, cgroup: w.cg, value: undefined })).toBe(
      'at the end m1[cg] holds [7, 1]; the scenario expects no entry',
    );
    expect(endOf(w, { map: w.map, cgroup: w.cg2, value: [0, 5] })).toBe(
      'at the end m1[cg2] holds no entry; the scenario expects [0, 5]',
    );
  });

  it('names every alternative of anyOf, and the attach type of a deprecated key', () => {
    const w = makeWorld();
    update(w, [7, 1]);
    expect(endOf(w, { map: w.map, cgroup: w.cg, value: undefined, anyOf: [[1], undefined, [2, 2, 2]] })).toBe(
      'at the end m1[cg] holds [7, 1]; the scenario expects one of [1, 0], no entry, [2, 2, 2]',
    );
    const cs = deprecated(w, 'cs', 'cgroup_storage', [['cgroup_inet_egress', [[1, 2]]]]);
    expect(endOf(w, { map: cs, cgroup: w.cg, attachType: 'cgroup_inet_egress', value: [1, 3] })).toBe(
      'at the end cs[cg, cgroup_inet_egress] holds [1, 2]; the scenario expects [1, 3]',
    );
  });

  it('reports the first failing expectation, in order', () => {
    const w = makeWorld();
    update(w, [7, 1]);
    expect(
      endOf(
        w,
        { map: w.map, cgroup: w.cg, value: [7, 1] },
        { map: w.map, cgroup: w.cg2, value: [1] },
        { map: w.map, cgroup: w.cg, value: [2] },
      ),
    ).toBe('at the end m1[cg2] holds no entry; the scenario expects [1]');
    expect(createFinalValue([]).id).toBe('final-value');
  });
});
