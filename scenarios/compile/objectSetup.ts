/**
 * Setting up the programs of BPF objects: the object's maps bind to the
 * scenario's maps by name, a map only the object defines is created from its BTF
 * definition (as bpf_object__create_maps would), its global data is allocated,
 * and each program is loaded and verified (model/programs/bpfObjectLoad.ts).
 */
import { cgroupStorageMapAlloc } from '../../model/cgroupStorage/cgroupStorage.js';
import { cgrpStorageMapCreate } from '../../model/cgrpStorage/cgrpStorageMap.js';
import { errnoName, type Result } from '../../model/core/errno.js';
import type { MapId, ObjId } from '../../model/core/ids.js';
import type { Kernel } from '../../model/kernel/kernel.js';
import type { ObjectMap } from '../../model/programs/bpfObject.js';
import { allocGlobalData, bpfObjectProgLoad } from '../../model/programs/bpfObjectLoad.js';
import { findObjectProgram } from '../../model/programs/bpfObjectOpen.js';
import type { BpfProgram } from '../../model/programs/bpfProgram.js';
import { formatLoadError } from '../../model/programs/loadError.js';
import type { OpenedObject } from '../engine/objectFiles.js';
import type { ResolvedMap, ResolvedProgram, ResolvedScenarioDef } from '../format/resolvedTypes.js';

/** enum bpf_map_type numbers of the map types the model has. */
const MAP_TYPES: Readonly<Record<number, ResolvedMap['type']>> = {
  19: 'cgroup_storage',
  21: 'percpu_cgroup_storage',
  32: 'cgrp_storage',
};

/** The objects the scenario's programs name, each once, in program order. */
function usedObjects(
  def: ResolvedScenarioDef,
  objects: ReadonlyMap<string, OpenedObject>,
): [string, OpenedObject][] {
  const paths = [...new Set(def.programs.flatMap((p) => (p.object === undefined ? [] : [p.object])))];
  return paths.map((path) => {
    const o = objects.get(path);
    if (o === undefined) throw new Error(`object ${path} was not opened when the scenario was read`);
    return [path, o];
  });
}

function createFromBtf(k: Kernel, m: ObjectMap): Result<MapId> | string {
  const type = MAP_TYPES[m.type];
  if (type === undefined)
    return `map type ${m.type} is not modelled (only cgrp_storage 32, cgroup_storage 19, percpu_cgroup_storage 21)`;
  if (type === 'cgrp_storage')
    return cgrpStorageMapCreate(k, {
      name: m.name,
      keySize: m.keySize,
      valueSize: m.valueSize,
      mapFlags: m.mapFlags,
      maxEntries: m.maxEntries,
    });
  return cgroupStorageMapAlloc(k, {
    name: m.name,
    mapType: type,
    keySize: m.keySize,
    valueSize: m.valueSize,
    mapFlags: m.mapFlags,
    maxEntries: m.maxEntries,
  });
}

/** Why a scenario map cannot stand for the object's map of the same name, or undefined. */
function mismatch(k: Kernel, id: MapId, m: ObjectMap): string | undefined {
  const have = k.maps.get(id)!;
  if (MAP_TYPES[m.type] !== have.type)
    return `the object's map is of type ${m.type}, the scenario's is ${have.type}`;
  if (m.valueSize !== have.valueSize)
    return `the object's value is ${m.valueSize} bytes, the scenario's ${have.valueSize}`;
  return undefined;
}

/**
 * Binds or creates every object map and allocates every object's global data;
 * returns the global data by object path, or an input error line.
 */
export function setupObjects(
  k: Kernel,
  def: ResolvedScenarioDef,
  objects: ReadonlyMap<string, OpenedObject>,
  maps: Map<string, MapId>,
): Map<string, Record<string, ObjId>> | string {
  const data = new Map<string, Record<string, ObjId>>();
  for (const [path, o] of usedObjects(def, objects)) {
    for (const m of o.object.maps) {
      if (m.initial !== undefined) continue;
      const bound = maps.get(m.name);
      const why = bound === undefined ? undefined : mismatch(k, bound, m);
      if (why !== undefined) return `${def.name}: maps.${m.name}: ${path}: ${why}`;
      if (bound !== undefined) continue;
      const r = createFromBtf(k, m);
      if (typeof r === 'string') return `${def.name}: ${path}: map '${m.name}': ${r}`;
      if (!r.ok) return `${def.name}: ${path}: map '${m.name}': map create refused (${errnoName(r.errno)})`;
      maps.set(m.name, r.value);
    }
    data.set(path, allocGlobalData(k, path, o.object.maps));
  }
  return data;
}

/** Loads an object program of the scenario: a BpfProgram or an input error line. */
export function loadObjectProgram(
  k: Kernel,
  p: ResolvedProgram,
  objects: ReadonlyMap<string, OpenedObject>,
  env: {
    maps: ReadonlyMap<string, MapId>;
    data: ReadonlyMap<string, Record<string, ObjId>>;
    tailCalls: readonly BpfProgram[];
  },
): BpfProgram | string {
  const path = p.object!;
  const found = findObjectProgram(objects.get(path)!.object, p.program ?? p.name);
  if (typeof found === 'string') return `programs.${p.name}: ${path}: ${found}`;
  const r = bpfObjectProgLoad(k, found, {
    maps: Object.fromEntries(env.maps),
    globalData: env.data.get(path)!,
    ...(p.tailCalls.length === 0 ? {} : { tailCalls: env.tailCalls }),
  });
  return r.ok ? { ...r.value, name: p.name } : `programs.${p.name}: ${path}: ${formatLoadError(r.error)}`;
}

/** A cached program's global data must be the objects this build allocated (ids are deterministic). */
export function checkSameGlobalData(
  prog: BpfProgram,
  data: ReadonlyMap<string, Record<string, ObjId>>,
  path: string | undefined,
): void {
  if (prog.ebpf === undefined || path === undefined) return;
  const now = JSON.stringify(data.get(path));
  if (JSON.stringify(prog.ebpf.globalData) !== now)
    throw new Error(
      `${prog.name}: global data ${JSON.stringify(prog.ebpf.globalData)} differs in this build (${now})`,
    );
}
