import { describe, expect, it } from 'vitest';
import { asObjId } from '../../model/core/ids.js';
import { createNoDoubleFree } from '../../properties/noDoubleFree.js';
import { createNoNullDeref } from '../../properties/noNullDeref.js';
import { createNoOutOfBounds } from '../../properties/noOutOfBounds.js';
import { createNoUseAfterFree } from '../../properties/noUseAfterFree.js';
import { create, endOf, makeWorld } from './fixture.js';

/** A world with one element of m1 for cg (created by A) and every memory property. */
function withElement() {
  const w = makeWorld();
  const elem = create(w, w.a)!;
  return {
    w,
    elem,
    props: [createNoUseAfterFree(), createNoDoubleFree(), createNoOutOfBounds(), createNoNullDeref()],
  };
}

describe('memory safety', () => {
  it('all hold when every access is to live memory', () => {
    const { w, props } = withElement();
    expect(endOf(w.k, ...props)).toBeUndefined();
  });

  it('no-use-after-free names who used the object and who freed it', () => {
    const { w, elem } = withElement();
    w.k.memory.free(elem, 'rcu bpf_selem_free');
    w.k.memory.use(elem, 'B: count#2');
    expect(endOf(w.k, createNoUseAfterFree())).toEqual({
      invariant: 'no-use-after-free',
      message: 'B: count#2 used selem m1/cg (1000001) after rcu bpf_selem_free freed it',
    });
  });

  it('no-double-free names both freers', () => {
    const { w, elem } = withElement();
    w.k.memory.free(elem, 'rcu bpf_selem_free');
    w.k.memory.free(elem, 'kworker bpf_selem_free');
    expect(endOf(w.k, createNoDoubleFree())?.message).toBe(
      'kworker bpf_selem_free freed selem m1/cg (1000001) again; rcu bpf_selem_free had already freed it',
    );
  });

  it('out-of-bounds names the access and the object (CVE-2025-38502: an 8-byte storage read at slot 7)', () => {
    const { w, elem } = withElement();
    w.k.memory.recordFault('out-of-bounds', elem, 'slot 7 of 2', 'A: callee#1');
    expect(endOf(w.k, createNoOutOfBounds())?.message).toBe(
      'A: callee#1 accessed slot 7 of 2 of selem m1/cg (1000001): out of bounds',
    );
  });

  it('no-null-deref reports the 5.14 bpf_get_local_storage NULL', () => {
    const { w } = withElement();
    w.k.memory.recordFault('null-deref', asObjId(0), 'bpf_cgroup_storage', 'A: count: bpf_get_local_storage');
    expect(endOf(w.k, createNoNullDeref())?.message).toBe(
      'A: count: bpf_get_local_storage dereferenced NULL (bpf_cgroup_storage)',
    );
  });

  it('each reports a fault once: a later check reads only new faults', () => {
    const { w, elem } = withElement();
    const p = createNoUseAfterFree();
    w.k.memory.free(elem, 'rcu');
    w.k.memory.use(elem, 'A');
    expect(p.checkStep?.(w.k)?.invariant).toBe('no-use-after-free');
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });
});
