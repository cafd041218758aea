/**
 * `e3-single-free` (invariant 20, historical bug 6): in E3, where owner and
 * bucket locks can fail, exactly one teardown path frees each element —
 * bpf_selem_unlink_nofail's SELEM_*_UNLINKED bits decide who, and the side that
 * moves UNLINKED → TOFREE frees it — and bpf_local_storage_destroy() returns only
 * once owner_refcnt is 0. A double free of an element in E3 names both paths;
 * at the end an element both sides gave up on (UNLINKED, never TOFREE) is a leak.
 */
import type { Kernel } from '../model/kernel/kernel.js';
import { SELEM_TOFREE, SELEM_UNLINKED } from '../model/localStorage/localStorageState.js';
import { pendingFrees } from './evidence.js';
import { cgroupName, objName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';
import { isFreed } from './storageState.js';

export const E3_SINGLE_FREE = 'e3-single-free';

/** Creates the property (per step on faults and cgroup frees; orphans at the end). */
export function createE3SingleFree(): Property {
  const faults = new LogCursor();
  const obs = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    if (k.era !== 'E3') return undefined;
    const fs = k.memory.faults;
    for (let i = faults.advance(k, fs.length); i < fs.length; i++) {
      const f = fs[i]!;
      if (f.kind !== 'double-free' || !k.localStorages.selems.has(f.obj)) continue;
      return violation(
        E3_SINGLE_FREE,
        `${objName(k, f.obj)} was freed by both teardown paths: ${f.freedBy}, then ${f.by}`,
      );
    }
    const os = k.observations;
    for (let i = obs.advance(k, os.length); i < os.length; i++) {
      const o = os[i]!;
      if (o.kind !== 'cgroup-free') continue;
      // E3 destroy leaves cgrp->bpf_cgrp_storage naming the storage it tore down.
      const sid = k.cgroups.get(o.cgroup).bpfCgrpStorage;
      // Stryker disable next-line ConditionalExpression: storages (keyed by ObjId) has no null key, so get(null) is undefined too
      const s = sid === null ? undefined : k.localStorages.storages.get(sid);
      if (s === undefined || s.ownerRefcnt === 0) continue;
      return violation(
        E3_SINGLE_FREE,
        `cgroup ${cgroupName(k, o.cgroup)} was freed while its storage ${s.obj} had owner_refcnt ${s.ownerRefcnt}: destroy must wait for map_free to drop its pin`,
      );
    }
    return undefined;
  };
  return {
    id: E3_SINGLE_FREE,
    description:
      'E3: exactly one teardown path frees each element; destroy waits for owner_refcnt 0 (invariant 20)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    checkStep: check,
    checkEnd(k) {
      const v = check(k);
      if (v !== undefined || k.era !== 'E3') return v;
      const pending = pendingFrees(k);
      for (const sel of k.localStorages.selems.values()) {
        if (isFreed(k, sel.obj) || pending.has(sel.obj)) continue;
        if (sel.state === SELEM_UNLINKED || (sel.state & SELEM_TOFREE) !== 0)
          return violation(
            E3_SINGLE_FREE,
            `${objName(k, sel.obj)} ended with state ${sel.state} (${sel.state === SELEM_UNLINKED ? 'both sides unlinked it and neither freed it' : 'marked TOFREE but never freed'})`,
          );
      }
      return undefined;
    },
  };
}
