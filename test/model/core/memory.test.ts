import { describe, expect, it } from 'vitest';
import { asObjId } from '../../../model/core/ids.js';
import { Memory } from '../../../model/core/memory.js';

const id = asObjId;

describe('object lifetimes (the allocator)', () => {
  it('an object without a value has no data field; one with a value carries it', () => {
    const m = new Memory();
    expect(m.alloc(id(1), 'cgroup', 'cgroup cg')).toStrictEqual({
      id: 1,
      kind: 'cgroup',
      label: 'cgroup cg',
      state: 'live',
    });
    expect(m.alloc(id(2), 'selem', 'selem m/cg', [0, 0])).toStrictEqual({
      id: 2,
      kind: 'selem',
      label: 'selem m/cg',
      state: 'live',
      data: [0, 0],
    });
  });

  it('allocating an id twice is a checker bug, with both ids and the label in the message', () => {
    const m = new Memory();
    m.alloc(id(7), 'map', 'map m1');
    expect(() => m.alloc(id(7), 'selem', 'selem x')).toThrow('object id 7 allocated twice (selem x)');
    expect(m.get(id(7)).kind).toBe('map');
  });

  it('asking for an id never allocated is a checker bug', () => {
    const m = new Memory();
    expect(() => m.get(id(9))).toThrow('object id 9 was never allocated');
    expect(() => m.isLive(id(9))).toThrow('object id 9 was never allocated');
  });

  it('a second kfree is a double-free fault naming both freers; the object stays freed by the first', () => {
    const m = new Memory();
    m.alloc(id(3), 'selem', 'selem m/cg');
    m.free(id(3), 'A: bpf_selem_free');
    m.free(id(3), 'kworker: map_free');
    expect(m.faults).toEqual([
      {
        kind: 'double-free',
        obj: 3,
        label: 'selem m/cg',
        by: 'kworker: map_free',
        freedBy: 'A: bpf_selem_free',
      },
    ]);
    expect(m.get(id(3)).freedBy).toBe('A: bpf_selem_free');
  });

  it('a use after free is a fault naming the user and the freer, and use() returns false', () => {
    const m = new Memory();
    m.alloc(id(4), 'cgroup', 'cgroup cg');
    expect(m.use(id(4), 'A: get')).toBe(true);
    expect(m.faults).toEqual([]);
    m.free(id(4), 'kworker: css_free');
    expect(m.use(id(4), 'B: get')).toBe(false);
    expect(m.faults).toEqual([
      { kind: 'use-after-free', obj: 4, label: 'cgroup cg', by: 'B: get', freedBy: 'kworker: css_free' },
    ]);
  });

  it('liveOf lists live objects of one kind in allocation order', () => {
    const m = new Memory();
    m.alloc(id(5), 'selem', 'e5');
    m.alloc(id(6), 'cgroup', 'c6');
    m.alloc(id(1), 'selem', 'e1');
    m.alloc(id(2), 'selem', 'e2');
    m.free(id(1), 'X');
    expect(m.liveOf('selem').map((o) => o.id)).toEqual([5, 2]);
    expect(m.isLive(id(1))).toBe(false);
    expect(m.isLive(id(2))).toBe(true);
  });
});
