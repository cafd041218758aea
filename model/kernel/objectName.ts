/**
 * Names of abstract objects for people reading a trace: the memory object's or
 * lock's own label (`selem counters/app`, `counters bucket 0`, `cgroup_mutex`),
 * or what a bare id stands for (a CPU's busy counter, a cgroup's refcount, a
 * bucket's list). Trace output only; never called while exploring.
 */
import type { ObjId } from '../core/ids.js';
import type { LocalStorageMap } from '../localStorage/localStorageState.js';
import type { Kernel } from './kernel.js';

/** A readable name of `obj`, or undefined when the model does not know it. */
export function objectName(k: Kernel, obj: ObjId): string | undefined {
  const mem = k.memory.objects.get(obj);
  if (mem !== undefined) return mem.label;
  const lock = k.locks.locks.get(obj);
  if (lock !== undefined) return `lock ${lock.label}`;
  if (obj === k.rcuObj) return 'RCU grace period';
  if (obj === k.work.obj) return 'workqueue';
  const cpu = k.cpus.find((c) => c.busyObj === obj);
  // bpf_cgrp_storage_busy (kernel/bpf/bpf_cgrp_storage.c), one per CPU.
  if (cpu !== undefined) return `bpf_cgrp_storage_busy cpu${cpu.no}`;
  const cg = k.cgroups.all().find((c) => c.refObj === obj);
  if (cg !== undefined) return `cgroup ${cg.name} refcnt`;
  const dying = k.cgroups.all().find((c) => c.dyingObj === obj);
  if (dying !== undefined) return `cgroup ${dying.name} refcnt mode`;
  const bpf = k.cgroups.all().find((c) => c.bpfObj === obj);
  if (bpf !== undefined) return `cgroup ${bpf.name} bpf (effective programs)`;
  for (const map of k.maps.values()) {
    const buckets = (map as Partial<LocalStorageMap>).buckets;
    const at = buckets?.findIndex((b) => b.obj === obj) ?? -1;
    if (at >= 0) return `${map.name} bucket ${at} list`;
  }
  return undefined;
}
