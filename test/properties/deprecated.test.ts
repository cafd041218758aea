import { describe, expect, it } from 'vitest';
import { BPF_F_ALLOW_MULTI, bpfProgRunArrayCg } from '../../model/cgroup/cgroupBpf.js';
import { cgroupBpfAttach, cgroupBpfDetach } from '../../model/cgroup/cgroupBpfAttach.js';
import { cgroupStorageMapAlloc, cgroupStorageMapOf } from '../../model/cgroupStorage/cgroupStorage.js';
import {
  cgroupStorageDeleteElem,
  cgroupStorageUpdateElem,
} from '../../model/cgroupStorage/cgroupStorageSyscall.js';
import { EINVAL, ENOENT } from '../../model/core/errno.js';
import { asObjId, type MapId } from '../../model/core/ids.js';
import { runToCompletion } from '../../model/core/step.js';
import { BPF_NOEXIST } from '../../model/localStorage/localStorage.js';
import { createDeprecatedSemantics } from '../../properties/deprecatedSemantics.js';
import { createZeroedOrInitial } from '../../properties/zeroedOrInitial.js';
import { load, makeKernel } from '../model/selftests/fixture.js';
import { Checker, endOf } from './fixture.js';

const COUNT = ['call get_local_storage map=cs', 'atomic_add [r0+0] 1', 'exit 1'];

/** cgroup `app` with program `count` (egress, deprecated map cs) attached. */
function world() {
  const { k, cpu0, user } = makeKernel();
  const root = k.cgroups.mkdir(null, 'root');
  const app = k.cgroups.mkdir(root, 'app');
  const newMap = (name: string): MapId => {
    const r = cgroupStorageMapAlloc(k, { name, mapType: 'cgroup_storage', keySize: 16, valueSize: 8 });
    if (!r.ok) throw new Error('map');
    return r.value;
  };
  const cs = newMap('cs');
  const prog = load(k, { name: 'count', section: 'cgroup_skb/egress', insns: COUNT }, { maps: { cs } });
  const attach = () =>
    runToCompletion(cgroupBpfAttach(k, user, app, prog, 'cgroup_inet_egress', BPF_F_ALLOW_MULTI));
  const detach = () => runToCompletion(cgroupBpfDetach(k, user, app, prog, 'cgroup_inet_egress'));
  const egress = () => runToCompletion(bpfProgRunArrayCg(k, cpu0, app, 'cgroup_inet_egress'));
  const key = { cgroupInodeId: app, attachType: 'cgroup_inet_egress' as const };
  return { k, cpu0, user, app, cs, newMap, attach, detach, egress, key };
}

describe('deprecated-semantics (invariants 21–22)', () => {
  it('holds: the helper returns the prog item storage; userspace cannot create or delete; detach keeps the entry and re-attach reuses it', () => {
    const w = world();
    const check = new Checker(w.k, [createDeprecatedSemantics()]);
    const steps = (r: unknown) => {
      check.afterStep();
      return r;
    };
    steps(w.attach());
    steps(w.egress());
    const entry = cgroupStorageMapOf(w.k, w.cs).list[0]!;
    steps(w.detach());
    steps(w.attach());
    expect(cgroupStorageMapOf(w.k, w.cs).list).toEqual([entry]);
    const other = { cgroupInodeId: w.app, attachType: 'cgroup_inet_ingress' as const };
    expect([
      steps(runToCompletion(cgroupStorageUpdateElem(w.k, w.user, w.cs, w.key, [5], BPF_NOEXIST))),
      steps(runToCompletion(cgroupStorageUpdateElem(w.k, w.user, w.cs, other, [5], 0))),
      steps(runToCompletion(cgroupStorageDeleteElem(w.k, w.user, w.cs, w.key))),
    ]).toEqual([
      { ok: false, errno: EINVAL },
      { ok: false, errno: ENOENT },
      { ok: false, errno: EINVAL },
    ]);
    expect(check.end()).toBeUndefined();
  });

  it("is violated by the helper returning another map's storage (CVE-2025-38502)", () => {
    const w = world();
    w.attach();
    const big = w.newMap('big');
    w.k.observe({
      kind: 'local-storage',
      actor: w.cpu0.id,
      prog: 'callee',
      map: big,
      storage: asObjId(1000001),
      storageMap: w.cs,
      expected: asObjId(1000001),
    });
    expect(endOf(w.k, createDeprecatedSemantics())?.message).toBe(
      'bpf_get_local_storage(big) in callee on cpu0 returned storage 1000001 of map cs, not of the map it passed',
    );
  });

  it('is violated by a userspace update that succeeds on a key with no entry', () => {
    const w = world();
    w.k.observe({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_UPDATE_ELEM',
      map: w.cs,
      cgroup: w.app,
      flags: 0,
      ret: 0,
      existedBefore: false,
    });
    expect(endOf(w.k, createDeprecatedSemantics())?.message).toBe(
      'BPF_MAP_UPDATE_ELEM(cs, cgroup app, flags 0) by user returned 0: it updated a key that has no entry; it must give -ENOENT',
    );
  });

  it('is violated by an entry leaving its map while the map is live and the cgroup not released', () => {
    const w = world();
    const p = createDeprecatedSemantics();
    w.attach();
    expect(p.checkStep?.(w.k)).toBeUndefined();
    const m = cgroupStorageMapOf(w.k, w.cs);
    const gone = m.list.pop()!;
    m.tree.splice(m.tree.indexOf(gone), 1);
    expect(p.checkStep?.(w.k)?.message).toBe(
      'storage 3000001 left map cs while the map is live and cgroup app is not released: entries survive detach',
    );
  });
});

describe('zeroed-or-initial on the deprecated map (invariant 12)', () => {
  /** Attaches `count` while `dirty` writes 7 into every buffer attach allocates before the step's check. */
  function attachWithBuffers(dirty: boolean): string | undefined {
    const w = world();
    const check = new Checker(w.k, [createZeroedOrInitial()]);
    check.afterStep();
    const before = w.k.memory.objects.size;
    w.attach();
    if (dirty) for (const o of w.k.memory.liveOf('storage_buf')) o.data?.fill(7);
    check.afterStep();
    expect(w.k.memory.objects.size - before).toBe(2); // the struct bpf_cgroup_storage and its buffer
    return check.end()?.message;
  }

  it('holds: the buffer bpf_cgroup_storage_alloc allocates at attach is zeroed', () => {
    expect(attachWithBuffers(false)).toBeUndefined();
  });

  it('is violated by an attach buffer that starts non-zero (seen in the step of the allocation)', () => {
    expect(attachWithBuffers(true)).toBe(
      'cs buf 3000002 was allocated with slot 0 = 7; bpf_cgroup_storage_alloc zeroes it',
    );
  });
});
