/**
 * Short kernel-terms descriptions of what a step changed, for counterexample
 * traces: the observations it recorded and the memory faults it caused.
 * Called only while rendering a trace, never in the search loop.
 */
import { errnoName } from '../../model/core/errno.js';
import type { Observation } from '../../model/core/observation.js';
import type { Kernel } from '../../model/kernel/kernel.js';

function ret(v: number | null): string {
  if (v === null) return 'NULL';
  return v < 0 ? `-${errnoName(-v)}` : String(v);
}

function mapName(k: Kernel, id: number): string {
  return k.maps.get(id as never)?.name ?? `map${id}`;
}

function cgName(k: Kernel, id: number | null): string {
  return id === null ? 'NULL' : k.cgroups.get(id as never).name;
}

/** One observation as a phrase, e.g. `bpf_cgrp_storage_get(counters, app) = elem 2000003`. */
export function describeObservation(k: Kernel, o: Observation): string {
  switch (o.kind) {
    case 'helper': {
      const r = o.ret === null ? 'NULL' : o.ret >= 0 ? `elem ${o.ret}` : ret(o.ret);
      return `${o.helper}(${mapName(k, o.map)}, ${cgName(k, o.cgroup)}) = ${r}`;
    }
    case 'syscall': {
      const value = o.value === undefined ? '' : ` value [${o.value.join(', ')}]`;
      return `${o.cmd}(${mapName(k, o.map)}, ${cgName(k, o.cgroup)}) = ${ret(o.ret)}${value}`;
    }
    case 'value-update': {
      const data = k.memory.get(o.obj).data;
      return `${o.atomic ? 'atomic add' : 'store'} elem ${o.obj}[${o.slot}] = ${data?.[o.slot] ?? '?'}`;
    }
    case 'rmdir':
      return `rmdir(${cgName(k, o.cgroup)}) = ${ret(o.ret)}`;
    case 'cgroup-free':
      return `cgroup ${cgName(k, o.cgroup)} freed`;
    case 'map-free':
      return `map ${mapName(k, o.map)} freed`;
    case 'selem-unlink':
      return `elem ${o.obj} unlinked from ${cgName(k, o.cgroup)}`;
    case 'local-storage':
      return `bpf_get_local_storage(${mapName(k, o.map)}) = ${o.storage === null ? 'NULL' : `storage ${o.storage}`}`;
    case 'lock-fail':
      return `lock ${k.locks.get(o.lock).label} failed: -${errnoName(o.errno)}`;
    case 'selem-create':
      // The helper or syscall that created it names the element already.
      return '';
    case 'helper-lock':
      // The lock step names the lock already.
      return '';
    default:
      return o satisfies never;
  }
}

/** Tracks how far a trace has described the kernel's records. */
export class StepDescriber {
  private observations: number;
  private faults: number;

  /** Starts after whatever setup recorded. */
  constructor(private readonly k: Kernel) {
    this.observations = k.observations.length;
    this.faults = k.memory.faults.length;
  }

  /** Everything recorded since the previous call, joined by `; `. */
  describe(): string {
    const parts: string[] = [];
    const obs = this.k.observations;
    for (; this.observations < obs.length; this.observations++) {
      const text = describeObservation(this.k, obs[this.observations]!);
      if (text !== '') parts.push(text);
    }
    const faults = this.k.memory.faults;
    for (; this.faults < faults.length; this.faults++) {
      const f = faults[this.faults]!;
      parts.push(`${f.kind.toUpperCase()} of ${f.label} by ${f.by}`);
    }
    return parts.join('; ');
  }
}
