/**
 * The last reference to a map going away (kernel/bpf/syscall.c): bpf_map_put()
 * drops map->refcnt and, at 0, queues bpf_map_free_deferred on system_wq,
 * which calls the map type's map_free.
 */
import { cgroupStorageMapFree } from '../cgroupStorage/cgroupStorage.js';
import { cgrpStorageMapFree } from '../cgrpStorage/cgrpStorageMap.js';
import type { MapId } from '../core/ids.js';
import { type Op, rel, step, wr } from '../core/step.js';
import type { Actor, Kernel } from './kernel.js';

/**
 * Models bpf_map_put(): programs hold references too, so a scenario drops the
 * last one only once no program that uses the map can run.
 */
export function* bpfMapPut(k: Kernel, actor: Actor, map: MapId): Op<void> {
  const m = k.maps.get(map);
  if (m === undefined) throw new Error(`bpf_map_put: unknown map ${map}`);
  yield step(`${actor.name}: bpf_map_put(${m.name})`, [wr(m.obj), rel(k.work.obj)]);
  m.refcnt--;
  if (m.refcnt > 0) return;
  k.work.queue(`bpf_map_free_deferred(${m.name})`, (a) =>
    m.type === 'cgrp_storage' ? cgrpStorageMapFree(k, a, map) : cgroupStorageMapFree(k, a, map),
  );
}
