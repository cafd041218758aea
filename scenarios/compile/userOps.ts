/**
 * A userspace thread's operations, as bpf(2) commands and cgroup/map lifetime
 * events against the model. Results are recorded by the model as observations.
 */

import { cgroupRmdir } from '../../model/cgroup/cgroup.js';
import { cgroupBpfAttach, cgroupBpfDetach } from '../../model/cgroup/cgroupBpfAttach.js';
import { cgroupAttachTask } from '../../model/cgroup/cgroupTasks.js';
import {
  cgroupStorageDeleteElem,
  cgroupStorageGetNextKey,
  cgroupStorageLookupElem,
  cgroupStorageUpdateElem,
} from '../../model/cgroupStorage/cgroupStorageSyscall.js';
import {
  cgrpStorageDeleteElem,
  cgrpStorageGetNextKey,
  cgrpStorageLookupElem,
  cgrpStorageUpdateElem,
} from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { EBADF, type Result } from '../../model/core/errno.js';
import type { MapId } from '../../model/core/ids.js';
import { valueSlots } from '../../model/core/map.js';
import { type Op, runToCompletion, step } from '../../model/core/step.js';
import { bpfMapPut } from '../../model/kernel/bpfMapPut.js';
import type { Actor, Kernel } from '../../model/kernel/kernel.js';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from '../../model/localStorage/localStorage.js';
import type { AttachType } from '../../model/programs/bpfProgram.js';
import { runProg } from '../../model/programs/interpreter.js';
import type { ResolvedUserOp } from '../format/resolvedTypes.js';
import { modelAttachType } from './sections.js';
import type { SetupIds } from './setup.js';

const FLAG_BITS: Readonly<Record<string, number>> = {
  BPF_ANY,
  BPF_NOEXIST,
  BPF_EXIST,
  BPF_F_LOCK,
};

/** ORs flag names together. */
export function flagBits(names: readonly string[] | undefined): number {
  let bits = 0;
  for (const n of names ?? []) bits |= FLAG_BITS[n] ?? 0;
  return bits;
}

/** Pads a user value to the map's slots, as the kernel copies value_size bytes. */
function fullValue(k: Kernel, map: MapId, value: readonly number[]): number[] {
  const slots = valueSlots(k.maps.get(map)!.valueSize);
  return Array.from({ length: slots }, (_, i) => value[i] ?? 0);
}

/** A result as userspace sees it: 0 (or another value) on success, a negative errno. */
const ret = (r: Result<unknown>): number => (r.ok ? 0 : -r.errno);

/** Runs one operation; returns what it returned to userspace (0 or a negative errno). */
export function* runUserOp(
  k: Kernel,
  actor: Actor,
  ids: SetupIds,
  op: ResolvedUserOp,
  defaultAttach: (map: string) => AttachType,
): Op<number> {
  if (op.op === 'rmdir') return ret(yield* cgroupRmdir(k, actor, ids.cgroups.get(op.cgroup)!));
  if (op.op === 'migrate') {
    const task = k.cgroups.tasks.get(op.task)!;
    return ret(yield* cgroupAttachTask(k, actor, task, ids.cgroups.get(op.cgroup)!));
  }
  if (op.op === 'run') {
    const cg = ids.cgroups.get(op.cgroup)!;
    let r0 = 0;
    for (let i = 0; i < op.times; i++)
      r0 = yield* runProg(k, actor, ids.programs.get(op.program)!, { currentCgroup: cg, cgroup: cg });
    return r0;
  }
  if ('program' in op) {
    const prog = ids.programs.get(op.program)!;
    const cg = ids.cgroups.get(op.cgroup)!;
    const atype = prog.attachType!;
    if (op.op === 'attach') return ret(yield* cgroupBpfAttach(k, actor, cg, prog, atype, 2));
    return ret(yield* cgroupBpfDetach(k, actor, cg, prog, atype));
  }
  const map = ids.maps.get(op.map)!;
  if (op.op === 'close-map') return yield* closeMapFd(k, actor, map);
  if (k.maps.get(map)!.type === 'cgrp_storage') return ret(yield* runCgrpStorageOp(k, actor, ids, map, op));
  const attach = op.attachType === undefined ? defaultAttach(op.map) : modelAttachType(op.attachType)!;
  return ret(yield* runCgroupStorageOp(k, actor, ids, map, op, attach));
}

/**
 * Runs a scenario's `setup` operations to completion, in order, on the kernel's
 * setup actor: the state userspace made before any scheduled step. Their results
 * are observed like any other operation's.
 */
export function runSetupOps(
  k: Kernel,
  ids: SetupIds,
  ops: readonly ResolvedUserOp[],
  defaultAttach: (map: string) => AttachType,
  onResult: (index: number, result: number) => void = () => {},
): void {
  for (const [i, op] of ops.entries())
    onResult(i, runToCompletion(runUserOp(k, k.setupActor, ids, op, defaultAttach)));
}

/** Map fds userspace has closed, per kernel: a second close(2) is -EBADF, not another put. */
const closedMapFds = new WeakMap<Kernel, Set<MapId>>();

/** close(2) of userspace's map fd: drops the fd's reference (bpf_map_release → bpf_map_put). */
function* closeMapFd(k: Kernel, actor: Actor, map: MapId): Op<number> {
  let closed = closedMapFds.get(k);
  if (closed === undefined) {
    closed = new Set();
    closedMapFds.set(k, closed);
  }
  if (closed.has(map)) {
    yield step(`${actor.name}: close(${k.maps.get(map)!.name} fd) = -EBADF`);
    return -EBADF;
  }
  closed.add(map);
  yield* bpfMapPut(k, actor, map);
  return 0;
}

type MapOp = Exclude<ResolvedUserOp, { op: 'rmdir' | 'close-map' | 'migrate' | 'run' } | { program: string }>;

function* runCgrpStorageOp(
  k: Kernel,
  actor: Actor,
  ids: SetupIds,
  map: MapId,
  op: MapOp,
): Op<Result<unknown>> {
  if (op.op === 'get-next-key') {
    yield step(`bpf(BPF_MAP_GET_NEXT_KEY, ${k.maps.get(map)!.name})`);
    return cgrpStorageGetNextKey(k, actor, map);
  }
  const kind = 'fd' in op ? op.fd : undefined;
  const fd =
    kind === 'closed'
      ? ids.closedFds.get(op.cgroup)!
      : kind === 'file'
        ? ids.fileFd!
        : ids.cgroupFds.get(op.cgroup)!;
  if (op.op === 'lookup') return yield* cgrpStorageLookupElem(k, actor, map, fd, flagBits(op.flags));
  if (op.op === 'update')
    return yield* cgrpStorageUpdateElem(k, actor, map, fd, fullValue(k, map, op.value), flagBits(op.flags));
  return yield* cgrpStorageDeleteElem(k, actor, map, fd);
}

function* runCgroupStorageOp(
  k: Kernel,
  actor: Actor,
  ids: SetupIds,
  map: MapId,
  op: MapOp,
  attachType: AttachType,
): Op<Result<unknown>> {
  if (op.op === 'get-next-key') {
    const key = op.cgroup === undefined ? null : { cgroupInodeId: ids.cgroups.get(op.cgroup)!, attachType };
    return yield* cgroupStorageGetNextKey(k, actor, map, key);
  }
  const key = { cgroupInodeId: ids.cgroups.get(op.cgroup)!, attachType };
  if (op.op === 'lookup') return yield* cgroupStorageLookupElem(k, actor, map, key, flagBits(op.flags));
  if (op.op === 'update')
    return yield* cgroupStorageUpdateElem(
      k,
      actor,
      map,
      key,
      fullValue(k, map, op.value),
      flagBits(op.flags),
    );
  return yield* cgroupStorageDeleteElem(k, actor, map, key);
}
