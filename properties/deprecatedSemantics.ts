/**
 * `deprecated-semantics` (invariants 21–22, BPF_MAP_TYPE_(PERCPU_)CGROUP_STORAGE):
 * - bpf_get_local_storage() returns the running prog item's storage, non-NULL
 *   and belonging to the map the program passed (the 5.14 per-CPU pointer bug
 *   and CVE-2025-38502 break this);
 * - userspace cannot create entries (update of a missing key: -ENOENT, bad flags
 *   such as BPF_NOEXIST: -EINVAL) nor delete them (always -EINVAL);
 * - an entry leaves its map only when its cgroup's bpf is released or the map is
 *   freed: it survives detach, and a re-attach reuses it (one entry per key).
 */
import {
  BPF_CGROUP_STORAGE_SHARED,
  type BpfCgroupStorage,
  type CgroupStorageMap,
  cgroupStorageKeyCmp,
  cgroupStorageType,
  isCgroupStorageMap,
} from '../model/cgroupStorage/cgroupStorage.js';
import { EINVAL, ENOENT, ENOMEM, errnoName } from '../model/core/errno.js';
import type { MapId } from '../model/core/ids.js';
import type { Observation } from '../model/core/observation.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK } from '../model/localStorage/localStorage.js';
import { actorName, cgroupName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const DEPRECATED_SEMANTICS = 'deprecated-semantics';

type LocalStorageObs = Extract<Observation, { kind: 'local-storage' }>;
type Syscall = Extract<Observation, { kind: 'syscall' }>;

const retName = (ret: number): string => (ret === 0 ? '0' : `-${errnoName(-ret)}`);

function wrongHelper(k: Kernel, o: LocalStorageObs): string | undefined {
  const call = `bpf_get_local_storage(${mapName(k, o.map)}) in ${o.prog} on ${actorName(k, o.actor)}`;
  if (o.storage === null) return `${call} returned NULL; for an attached program it never does`;
  if (o.storage !== o.expected)
    return `${call} returned storage ${o.storage}${o.storageMap === o.map ? '' : ` of map ${mapName(k, o.storageMap)}`} but the running prog item's storage is ${o.expected ?? 'NULL'}`;
  if (o.storageMap !== o.map)
    return `${call} returned storage ${o.storage} of map ${mapName(k, o.storageMap)}, not of the map it passed`;
  return undefined;
}

function wrongSyscall(m: CgroupStorageMap, o: Syscall): string | undefined {
  if (o.cmd === 'BPF_MAP_DELETE_ELEM')
    return o.ret === -EINVAL ? undefined : 'delete must always give -EINVAL';
  if (o.cmd !== 'BPF_MAP_UPDATE_ELEM') return undefined;
  const isShared = cgroupStorageType(m) === BPF_CGROUP_STORAGE_SHARED;
  const isBadFlags = isShared
    ? (o.flags & ~(BPF_F_LOCK | BPF_EXIST)) !== 0
    : o.flags !== BPF_ANY && o.flags !== BPF_EXIST;
  if (isBadFlags)
    return o.ret === -EINVAL ? undefined : `flags ${o.flags} must give -EINVAL (userspace cannot create)`;
  if (![0, -ENOENT, -EINVAL, -ENOMEM].includes(o.ret)) return 'not a value this update returns';
  const isKeyPresent = m.list.some((s) => s.key?.cgroupInodeId === o.cgroup);
  if (o.ret === 0 && !o.existedBefore && !isKeyPresent)
    return 'it updated a key that has no entry; it must give -ENOENT';
  return undefined;
}

/** Creates the property; it remembers each deprecated map's entries between steps (per execution). */
export function createDeprecatedSemantics(): Property {
  const cursor = new LogCursor();
  const entries = new Map<MapId, readonly BpfCgroupStorage[]>();
  let kernel: Kernel | undefined;
  const check = (k: Kernel): Violation | undefined => {
    if (k !== kernel) {
      kernel = k;
      entries.clear();
    }
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = obs[i]!;
      const wrong = o.kind === 'local-storage' ? wrongHelper(k, o) : undefined;
      if (wrong !== undefined) return violation(DEPRECATED_SEMANTICS, wrong);
      if (o.kind !== 'syscall') continue;
      const m = k.maps.get(o.map);
      const bad = isCgroupStorageMap(m) ? wrongSyscall(m, o) : undefined;
      if (bad !== undefined)
        return violation(
          DEPRECATED_SEMANTICS,
          `${o.cmd}(${mapName(k, o.map)}, cgroup ${cgroupName(k, o.cgroup)}, flags ${o.flags}) by ${actorName(k, o.actor)} returned ${retName(o.ret)}: ${bad}`,
        );
    }
    return checkEntries(k, entries);
  };
  return {
    id: DEPRECATED_SEMANTICS,
    description:
      'deprecated map: the helper returns the running prog item non-NULL storage of that map; userspace cannot create or delete; entries survive detach (invariants 21–22)',
    checkStep: check,
    checkEnd: check,
  };
}

/** Entries leave a map only by release or map_free; keys are unique. Allocates only when a list changed. */
function checkEntries(k: Kernel, entries: Map<MapId, readonly BpfCgroupStorage[]>): Violation | undefined {
  for (const m of k.maps.values()) {
    if (!isCgroupStorageMap(m)) continue;
    const before = entries.get(m.id) ?? [];
    if (before.length === m.list.length && before.every((s, i) => m.list[i] === s)) continue;
    for (const s of before) {
      if (m.list.includes(s)) continue;
      const cg = s.key?.cgroupInodeId;
      if (!m.isLive || (cg !== undefined && k.cgroupBpf.get(cg)?.isReleased)) continue;
      return violation(
        DEPRECATED_SEMANTICS,
        `storage ${s.obj} left map ${m.name} while the map is live and cgroup ${cgroupName(k, cg ?? null)} is not released: entries survive detach`,
      );
    }
    entries.set(m.id, [...m.list]);
    const dup = duplicateKey(m);
    if (dup !== undefined)
      return violation(
        DEPRECATED_SEMANTICS,
        `map ${m.name} holds two entries for cgroup ${cgroupName(k, dup[0].key!.cgroupInodeId)}, ${dup[0].key!.attachType} (${dup[0].obj} and ${dup[1].obj}): attach must reuse the existing storage`,
      );
  }
  return undefined;
}

function duplicateKey(m: CgroupStorageMap): [BpfCgroupStorage, BpfCgroupStorage] | undefined {
  for (let i = 0; i < m.tree.length; i++)
    for (let j = i + 1; j < m.tree.length; j++) {
      const a = m.tree[i]!;
      const b = m.tree[j]!;
      if (a.key !== undefined && b.key !== undefined && cgroupStorageKeyCmp(m, a.key, b.key) === 0)
        return [a, b];
    }
  return undefined;
}
