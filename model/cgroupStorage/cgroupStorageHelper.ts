/**
 * bpf_get_local_storage() (kernel/bpf/cgroup.c), the DEPRECATED map's only helper:
 * the running prog item's storage of the map's type, found through the run context
 * (bpf_cg_run_ctx), or, with ModelOptions.hasCgroupStoragePerCpuPtrBug, through the
 * pre-5.14 per-CPU pointer bpf_prog_run_array_cg set before the program.
 */

import type { BpfCgRunCtx, CgroupStorageSlots } from '../cgroup/cgroupBpfTypes.js';
import { asObjId, type CpuNo, type MapId, type ObjId } from '../core/ids.js';
import { type Op, rd, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import type { BpfProgram } from '../programs/bpfProgram.js';
import {
  BPF_CGROUP_STORAGE_SHARED,
  type BpfCgroupStorage,
  cgroupStorageMapOf,
  cgroupStorageType,
} from './cgroupStorage.js';

/** A pointer into a map value: 8-byte slot `slot` of memory object `obj`. */
export interface ValuePtr {
  readonly obj: ObjId;
  readonly slot: number;
}

/** The abstract id of CPU `cpu`'s bpf_cgroup_storage[] pointers (negative: derived, never allocated). */
export function cpuStoragePtrObj(cpu: CpuNo): ObjId {
  return asObjId(-(cpu + 1));
}

/** bpf_cgroup_storage_set() of the pre-5.14 kernels: this CPU's pointers now name `slots`. */
export function* bpfCgroupStorageSet(k: Kernel, actor: Actor, slots: CgroupStorageSlots): Op<void> {
  yield step('bpf_cgroup_storage_set', [wr(cpuStoragePtrObj(actor.cpu))]);
  k.cpuCgroupStorage.set(actor.cpu, slots);
}

/**
 * Models bpf_get_local_storage(map, flags): `READ_ONCE(storage->buf)->data` or this CPU's
 * per-CPU buffer. Never NULL for an attached program in the fixed kernel; a NULL storage
 * (the 5.14 bug) is a recorded 'null-deref' fault and returns null. Records a
 * 'local-storage' observation so a property can check invariant 21.
 */
export function* bpfGetLocalStorage(
  k: Kernel,
  actor: Actor,
  prog: BpfProgram,
  runCtx: BpfCgRunCtx | undefined,
  mapId: MapId,
): Op<ValuePtr | null> {
  const map = cgroupStorageMapOf(k, mapId);
  const stype = cgroupStorageType(map);
  const expected = runCtx?.progItem.cgroupStorage[stype] ?? null;
  let storage: BpfCgroupStorage | null = expected;
  if (k.options.hasCgroupStoragePerCpuPtrBug) {
    yield step('this_cpu_read(bpf_cgroup_storage[stype])', [rd(cpuStoragePtrObj(actor.cpu))]);
    storage = k.cpuCgroupStorage.get(actor.cpu)?.[stype] ?? null;
  }
  k.observe({
    kind: 'local-storage',
    actor: actor.id,
    prog: prog.name,
    map: mapId,
    storage: storage?.obj ?? null,
    storageMap: storage?.map ?? null,
    expected: expected?.obj ?? null,
  });
  const by = `${actor.name}: ${prog.name}: bpf_get_local_storage`;
  if (storage === null) {
    k.memory.recordFault('null-deref', asObjId(0), 'bpf_cgroup_storage', by);
    return null;
  }
  yield step('READ_ONCE(storage->buf)', [rd(storage.obj)]);
  k.memory.use(storage.obj, by);
  const buf = stype === BPF_CGROUP_STORAGE_SHARED ? storage.buf! : storage.percpuBufs[actor.cpu]!;
  return { obj: buf, slot: 0 };
}
