/**
 * Kernel-terms names for violation messages: cgroups, maps, actors and
 * elements as a kernel engineer would name them. Only called once something is
 * wrong, so they may allocate.
 */
import type { ActorId, CgroupId, MapId, ObjId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';

/** The cgroup's name, e.g. `app`; `cgroup#7` if the model does not know it. */
export function cgroupName(k: Kernel, cg: CgroupId | null): string {
  if (cg === null) return 'NULL';
  try {
    return k.cgroups.get(cg).name;
  } catch {
    return `cgroup#${cg}`;
  }
}

/** The map's name, e.g. `counters`. */
export function mapName(k: Kernel, map: MapId | null): string {
  if (map === null) return 'none';
  return k.maps.get(map)?.name ?? `map#${map}`;
}

/** The actor's name, e.g. `cpu0` or `kworker`. */
export function actorName(k: Kernel, actor: ActorId): string {
  return k.actors[actor]?.name ?? `actor#${actor}`;
}

/**
 * An object in kernel terms: `element 2000003 of map counters for cgroup app` for a
 * NEW-map element, else its allocation label and id, e.g. `old buf 2000004`.
 */
export function objName(k: Kernel, obj: ObjId): string {
  const sel = k.localStorages.selems.get(obj);
  if (sel !== undefined)
    return `element ${obj} of map ${mapName(k, sel.map)} for cgroup ${cgroupName(k, sel.cgroup)}`;
  const mem = k.memory.objects.get(obj);
  return mem === undefined ? `object ${obj}` : `${mem.label} ${obj}`;
}

/** `1 increment`, `2 increments`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
