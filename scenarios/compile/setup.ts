/**
 * Builds the initial kernel state of a scenario: cgroups, maps, loaded and
 * verified programs, cgroup attachments and tracing hooks. Runs at setup time,
 * before any scheduled step, on the kernel's setup actor.
 */

import { cgroupBpfAttach } from '../../model/cgroup/cgroupBpfAttach.js';
import { cgroupStorageMapAlloc } from '../../model/cgroupStorage/cgroupStorage.js';
import { cgrpStorageMapCreate } from '../../model/cgrpStorage/cgrpStorageMap.js';
import { errnoName, type Result } from '../../model/core/errno.js';
import type { CgroupId, Fd, MapId, ObjId } from '../../model/core/ids.js';
import { runToCompletion } from '../../model/core/step.js';
import { Kernel, type ModelOptions } from '../../model/kernel/kernel.js';
import {
  allocProgData,
  type BpfProgram,
  isCgroupProgType,
  progUsedMaps,
} from '../../model/programs/bpfProgram.js';
import { parseProgram } from '../../model/programs/bpfProgramParse.js';
import { verifyProgram } from '../../model/programs/verifier.js';
import type { InputError } from '../engine/engine.js';
import type { OpenedObject } from '../engine/objectFiles.js';
import type { ResolvedMap, ResolvedProgram, ResolvedScenarioDef } from '../format/resolvedTypes.js';
import { checkSameGlobalData, loadObjectProgram, setupObjects } from './objectSetup.js';
import { sectionOf } from './sections.js';

/** Names of the scenario resolved to model ids. */
export interface SetupIds {
  readonly cgroups: ReadonlyMap<string, CgroupId>;
  /** Userspace's fd of each cgroup directory, opened before the actors start. */
  readonly cgroupFds: ReadonlyMap<string, Fd>;
  /** A closed fd of each cgroup an op passes `"fd": "closed"` for. */
  readonly closedFds: ReadonlyMap<string, Fd>;
  /** An open fd of a regular file, when an op passes `"fd": "file"`. */
  readonly fileFd: Fd | undefined;
  readonly maps: ReadonlyMap<string, MapId>;
  readonly programs: ReadonlyMap<string, BpfProgram>;
}

/** A kernel in its initial state, or the first input error that prevents it. */
export type SetupResult = { ok: true; k: Kernel; ids: SetupIds } | { ok: false; error: InputError };

/** `options.bugs` names → the model option that restores the pre-fix kernel behaviour. */
const BUG_OPTIONS: Readonly<Record<string, ModelOptions>> = {
  'percpu-storage-pointer': { hasCgroupStoragePerCpuPtrBug: true },
  'tail-call-storage-mismatch': { hasTailCallStorageCookieBug: true },
  'map-free-unguarded': { isMapFreeBusyGuarded: false },
  'get-next-key-past-end': { hasCgroupStorageNextKeyBug: true },
  'create-on-dying': { hasCreateOnDyingBug: true },
  'unlink-without-handshake': { hasUnlinkWithoutHandshakeBug: true },
};

/** Model options of a scenario; an unknown or unmodelled bug name is an input error. */
export function modelOptionsOf(
  def: ResolvedScenarioDef,
  era: ModelOptions['era'],
): ModelOptions | InputError {
  let o: ModelOptions = {
    era,
    // More CPUs than the actors use: the daemons run there (see compile/index.ts daemonsOf).
    cpus: def.cpus + def.options.kworkers,
    isLockTimeoutPossible: def.options.lockTimeouts,
    isAllocFailurePossible: def.options.allocFailures,
  };
  for (const bug of def.options.bugs) {
    const extra = BUG_OPTIONS[bug];
    if (extra === undefined) return { message: `${def.name}: options.bugs: '${bug}' is not modelled` };
    o = { ...o, ...extra };
  }
  return o;
}

const fail = (message: string): SetupResult => ({ ok: false, error: { message } });

function createMap(k: Kernel, m: ResolvedMap): Result<MapId> {
  const spinLockSlot = m.spinLock ? 0 : undefined;
  if (m.type === 'cgrp_storage') {
    return cgrpStorageMapCreate(k, {
      name: m.name,
      valueSize: m.valueSize,
      ...(m.spinLock ? { spinLockSlot } : {}),
    });
  }
  return cgroupStorageMapAlloc(k, {
    name: m.name,
    mapType: m.type,
    keySize: m.key === 'shared' ? 8 : 16,
    valueSize: m.valueSize,
    ...(m.spinLock ? { spinLockSlot } : {}),
  });
}

function loadProgram(
  k: Kernel,
  p: ResolvedProgram,
  maps: ReadonlyMap<string, MapId>,
  tailCalls: readonly BpfProgram[],
  objects: { opened: ReadonlyMap<string, OpenedObject>; data: ReadonlyMap<string, Record<string, ObjId>> },
  progData: ObjId | undefined,
): BpfProgram | string {
  if (p.object !== undefined)
    return loadObjectProgram(k, p, objects.opened, { maps, data: objects.data, tailCalls });
  const section = sectionOf(p.type, p.attach, p.sleepable);
  const env = {
    maps: Object.fromEntries(maps),
    ...(p.tailCalls.length === 0 ? {} : { tailCalls }),
    ...(progData === undefined ? {} : { data: progData }),
  };
  const parsed = parseProgram({ name: p.name, section, insns: p.insns }, env);
  if (!parsed.ok) {
    const where = parsed.index < 0 ? `section '${section}'` : `insns[${parsed.index}]`;
    return `programs.${p.name}: ${where}: ${parsed.message}`;
  }
  const verdict = verifyProgram(k, parsed.value);
  if (!verdict.ok)
    return `programs.${p.name}: load refused (${errnoName(verdict.errno)}): ${verdict.message}`;
  return parsed.value;
}

/**
 * A loaded program holds a reference on every map its instructions use
 * (bpf_prog_load → resolve_pseudo_ldimm64 → used_maps, kernel/bpf/verifier.c),
 * so closing the map's fd does not free it while the program is loaded.
 */
function holdUsedMaps(k: Kernel, prog: BpfProgram): void {
  const used = new Set(progUsedMaps(prog).map((m) => m.name));
  for (const name of used) k.maps.get(prog.maps[name]!)!.refcnt++;
}

/**
 * Builds the initial state; `choose` feeds the kernel's data choices.
 * Programs are immutable and every execution builds the same maps with the
 * same ids, so `loaded` (filled by the first build) spares later builds the
 * parse and the verifier; each kernel still takes its own map references.
 */
export function setupKernel(
  def: ResolvedScenarioDef,
  options: ModelOptions,
  choose: (n: number) => number,
  loaded?: Map<string, BpfProgram>,
  objects: ReadonlyMap<string, OpenedObject> = new Map(),
): SetupResult {
  const k = new Kernel(options, choose);
  const cgroups = new Map<string, CgroupId>();
  const cgroupFds = new Map<string, Fd>();
  for (const c of def.cgroups) {
    const parent = c.parent === undefined ? null : cgroups.get(c.parent)!;
    const id = k.cgroups.mkdir(parent, c.name, { isV1: c.v1 });
    cgroups.set(c.name, id);
    cgroupFds.set(c.name, k.fds.openCgroup(id));
  }
  // Opened after the cgroups' fds, and only when used, so that no other fd number changes.
  const fdOps = [...def.setup, ...def.actors.flatMap((a) => (a.kind === 'user' ? a.ops : []))].flatMap(
    (op) => ('fd' in op && op.fd !== undefined ? [{ fd: op.fd, cgroup: op.cgroup }] : []),
  );
  const closedFds = new Map<string, Fd>();
  for (const { fd, cgroup } of fdOps) {
    if (fd !== 'closed' || closedFds.has(cgroup)) continue;
    const closed = k.fds.openCgroup(cgroups.get(cgroup)!);
    k.fds.close(closed);
    closedFds.set(cgroup, closed);
  }
  const fileFd = fdOps.some((o) => o.fd === 'file') ? k.fds.openNonCgroup() : undefined;
  const maps = new Map<string, MapId>();
  for (const m of def.maps) {
    const r = createMap(k, m);
    if (!r.ok) return fail(`${def.name}: maps.${m.name}: map create refused (${errnoName(r.errno)})`);
    maps.set(m.name, r.value);
  }
  const data = setupObjects(k, def, objects, maps);
  if (typeof data === 'string') return fail(data);
  const programs = new Map<string, BpfProgram>();
  const isLoaded = loaded !== undefined && loaded.size === def.programs.length;
  // Prog arrays are filled once every program is loaded, so a slot may name any program.
  const progArrays = new Map<string, BpfProgram[]>();
  for (const p of def.programs) {
    const array: BpfProgram[] = [];
    // Allocated in every kernel in the same order, so a reused program's data id is this kernel's.
    const progData = p.data > 0 ? allocProgData(k, p.name, p.data) : undefined;
    const prog = isLoaded
      ? loaded.get(p.name)!
      : loadProgram(k, p, maps, array, { opened: objects, data }, progData);
    if (typeof prog !== 'string' && p.object === undefined && prog.data !== progData)
      throw new Error(`${p.name}: global data moved`);
    if (typeof prog === 'string') return fail(`${def.name}: ${prog}`);
    if (isLoaded) checkSameGlobalData(prog, data, p.object);
    programs.set(p.name, prog);
    holdUsedMaps(k, prog);
    progArrays.set(p.name, array);
  }
  if (!isLoaded) {
    for (const p of def.programs) progArrays.get(p.name)!.push(...p.tailCalls.map((n) => programs.get(n)!));
    for (const [name, prog] of programs) loaded?.set(name, prog);
  }
  for (const [i, a] of def.attach.entries()) {
    const prog = programs.get(a.program)!;
    const atype = prog.attachType;
    if (atype === null || !isCgroupProgType(prog.type))
      return fail(`${def.name}: attach[${i}].program: '${a.program}' is not a cgroup program`);
    const r = runToCompletion(cgroupBpfAttach(k, k.setupActor, cgroups.get(a.cgroup)!, prog, atype, 2));
    if (!r.ok) return fail(`${def.name}: attach[${i}]: attach refused (${errnoName(r.errno)})`);
  }
  return { ok: true, k, ids: { cgroups, cgroupFds, closedFds, fileFd, maps, programs } };
}
