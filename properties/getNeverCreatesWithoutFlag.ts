/**
 * `get-never-creates-without-flag` (invariant 11): every element that was ever
 * published for (map, cgroup) is accounted for by a creating call: a
 * bpf_cgrp_storage_get(F_CREATE) that returned it, or one of the successful
 * BPF_MAP_UPDATE_ELEMs on that map and cgroup. Anything else (typically a get
 * without F_CREATE) created it. Checked at the end, over the whole log.
 */
import { BPF_LOCAL_STORAGE_GET_F_CREATE } from '../model/cgrpStorage/cgrpStorage.js';
import type { CgroupId, MapId, ObjId } from '../model/core/ids.js';
import type { Observation } from '../model/core/observation.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { GET } from './evidence.js';
import { actorName, cgroupName, mapName, plural } from './names.js';
import { type Property, type Violation, violation } from './property.js';
import { isPublished } from './storageState.js';

export const GET_NEVER_CREATES_WITHOUT_FLAG = 'get-never-creates-without-flag';

type Helper = Extract<Observation, { kind: 'helper' }>;

/** Elements that were on a published owner list at some point: unlinked ones and those linked now. */
function publishedElements(k: Kernel): ObjId[] {
  const out: ObjId[] = [];
  for (const o of k.observations) if (o.kind === 'selem-unlink' && !out.includes(o.obj)) out.push(o.obj);
  for (const s of k.localStorages.storages.values()) {
    if (!isPublished(k, s)) continue;
    for (const id of s.list) if (!out.includes(id)) out.push(id);
  }
  return out;
}

function check(k: Kernel): Violation | undefined {
  const unexplained = new Map<string, ObjId[]>();
  for (const id of publishedElements(k)) {
    const sel = k.localStorages.selem(id);
    const isReturnedByCreate = getsReturning(k, id).some(
      (o) => (o.flags & BPF_LOCAL_STORAGE_GET_F_CREATE) !== 0,
    );
    if (isReturnedByCreate) continue;
    const key = `${sel.map}/${sel.cgroup}`;
    unexplained.set(key, [...(unexplained.get(key) ?? []), id]);
  }
  for (const ids of unexplained.values()) {
    const sel = k.localStorages.selem(ids[0]!);
    const updates = countUpdates(k, sel.map, sel.cgroup);
    if (ids.length <= updates) continue;
    // Updates do not say which element they made: name one a get without F_CREATE returned, if any.
    const extra = ids.find((id) => nonCreatingGetOf(k, id) !== undefined) ?? ids[updates]!;
    return violation(
      GET_NEVER_CREATES_WITHOUT_FLAG,
      describe(k, sel.map, sel.cgroup, extra, ids.length, updates),
    );
  }
  return undefined;
}

/** The bpf_cgrp_storage_get observations that returned `id`. */
function getsReturning(k: Kernel, id: ObjId): Helper[] {
  const out: Helper[] = [];
  for (const o of k.observations) {
    // Stryker disable next-line ConditionalExpression: other kinds have no `helper`, so the next line skips them anyway
    if (o.kind !== 'helper') continue;
    if (o.helper === GET && o.ret === id) out.push(o);
  }
  return out;
}

function countUpdates(k: Kernel, map: MapId, cg: CgroupId): number {
  let n = 0;
  for (const o of k.observations) {
    // Stryker disable next-line ConditionalExpression: other kinds have no `cmd`, so the next line skips them anyway
    if (o.kind !== 'syscall') continue;
    if (o.cmd === 'BPF_MAP_UPDATE_ELEM' && o.map === map && o.cgroup === cg && o.ret === 0) n++;
  }
  return n;
}

/** The first bpf_cgrp_storage_get without F_CREATE that returned element `id`. */
function nonCreatingGetOf(k: Kernel, id: ObjId): Helper | undefined {
  // Stryker disable next-line ConditionalExpression: only elements no get(F_CREATE) returned are asked about, so a get(F_CREATE) is never found either way
  return getsReturning(k, id).find((o) => (o.flags & BPF_LOCAL_STORAGE_GET_F_CREATE) === 0);
}

function describe(k: Kernel, map: MapId, cg: CgroupId, extra: ObjId, n: number, updates: number): string {
  const getter = nonCreatingGetOf(k, extra);
  const by =
    getter === undefined
      ? ''
      : `; bpf_cgrp_storage_get without F_CREATE on ${actorName(k, getter.actor)} returned it though ${getter.existedBefore ? 'one existed' : 'none existed before'}`;
  return `element ${extra} of map ${mapName(k, map)} for cgroup ${cgroupName(k, cg)} was created by no get(F_CREATE) and no update (${plural(n, 'element')} not returned by a get(F_CREATE), ${plural(updates, 'successful update')})${by}`;
}

/** Creates the property (end of execution). */
export function createGetNeverCreatesWithoutFlag(): Property {
  return {
    id: GET_NEVER_CREATES_WITHOUT_FLAG,
    description:
      'every element is created by a get(F_CREATE) or an update; get(0) never creates (invariant 11)',
    checkEnd: check,
  };
}
