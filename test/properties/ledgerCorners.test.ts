/** zeroed-or-initial, storageState and update-flags on states built by hand. */
import { describe, expect, it } from 'vitest';
import type { MapId, ObjId } from '../../model/core/ids.js';
import { bpfSelemAlloc, smapOf } from '../../model/localStorage/localStorage.js';
import { SELEM_UNLINKED } from '../../model/localStorage/localStorageState.js';
import { ledgerOf } from '../../properties/stepLedger.js';
import { isFreed, isHeld, isNofailHalfUnlinked } from '../../properties/storageState.js';
import { createUpdateFlags } from '../../properties/updateFlags.js';
import { createZeroedOrInitial } from '../../properties/zeroedOrInitial.js';
import { create, era, makeWorld } from './fixture.js';

describe('zeroed-or-initial: what it cannot judge', () => {
  it('an allocation logged without a ledger entry, without a known start, or gone from memory', () => {
    const w = makeWorld();
    const p = createZeroedOrInitial();
    p.checkStep?.(w.k);
    const l = ledgerOf(w.k);
    l.allocated.push(901 as ObjId);
    w.k.memory.alloc(902 as ObjId, 'percpu_buf', 'pcs cpu0', [5]);
    l.allocated.push(902 as ObjId);
    l.objects.set(902 as ObjId, { start: undefined, snapshotAt: 0, slots: new Map() });
    l.allocated.push(903 as ObjId);
    l.objects.set(903 as ObjId, { start: [5], snapshotAt: 0, slots: new Map() });
    expect(p.checkEnd?.(w.k)).toBeUndefined();
  });

  it('only a storage buffer allocated with a struct bpf_cgroup_storage must be zeroed, not an element beside it', () => {
    const w = makeWorld();
    const p = createZeroedOrInitial();
    p.checkStep?.(w.k);
    w.k.memory.alloc(7001 as ObjId, 'cgroup_storage', 'cs storage');
    bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map), w.cg, [9, 9]);
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });

  it('an element of a map the kernel no longer knows has no bpf_spin_lock slot to check', () => {
    const w = makeWorld();
    const p = createZeroedOrInitial();
    p.checkStep?.(w.k);
    bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map2), w.cg, [9, 1, 2])!;
    w.k.maps.delete(w.map2);
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });
});

describe('storageState', () => {
  it('unknown locks are not held, unknown objects not freed', () => {
    const w = makeWorld();
    expect([isHeld(w.k, 999 as ObjId), isFreed(w.k, 999 as ObjId)]).toEqual([false, false]);
  });

  it('half-unlinked by nofail only in E3: a state bit, a cleared smap, or a call in flight', () => {
    for (const e of ['E2', 'E3'] as const) {
      const w = makeWorld(era(e));
      const sel = w.k.localStorages.selem(create(w, w.a)!);
      const states = [isNofailHalfUnlinked(w.k, sel)];
      sel.state = SELEM_UNLINKED;
      states.push(isNofailHalfUnlinked(w.k, sel));
      sel.state = 0;
      sel.smap = null;
      states.push(isNofailHalfUnlinked(w.k, sel));
      sel.smap = w.map;
      sel.nofailInFlight = 1;
      states.push(isNofailHalfUnlinked(w.k, sel));
      expect([e, states]).toEqual([e, e === 'E3' ? [false, true, true, true] : [false, false, false, false]]);
    }
  });
});

describe('update-flags', () => {
  it('an update of a map the kernel does not know is not judged', () => {
    const w = makeWorld();
    w.k.observe({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_UPDATE_ELEM',
      map: 99 as MapId,
      cgroup: w.cg,
      flags: 3,
      ret: 0,
      existedBefore: false,
    });
    expect(createUpdateFlags().checkEnd?.(w.k)).toBeUndefined();
  });
});
