/** A small world for model tests: two cgroups, two NEW maps, actors on two CPUs. */
import { cgrpStorageMapCreate } from '../../model/cgrpStorage/cgrpStorageMap.js';
import type { CgroupId, CpuNo, Fd, MapId, ObjId } from '../../model/core/ids.js';
import { type Actor, Kernel, type ModelOptions } from '../../model/kernel/kernel.js';
import { kworker, rcuWorker } from '../../model/sync/rcuWorker.js';
import { type OpRunner, runAll, start } from './driver.js';

export interface World {
  readonly k: Kernel;
  readonly root: CgroupId;
  readonly cg: CgroupId;
  readonly cg2: CgroupId;
  /** 16-byte value, no spin lock. */
  readonly map: MapId;
  /** 24-byte value with a bpf_spin_lock in slot 0. */
  readonly map2: MapId;
  /** An fd of `cg`. */
  readonly fd: Fd;
  /** A program context on CPU 0. */
  readonly a: Actor;
  /** A program context on CPU 1. */
  readonly b: Actor;
  /** A userspace thread on CPU 0. */
  readonly user: Actor;
  /** A kworker on CPU 0. */
  readonly kw: Actor;
  /** An RCU callback thread on CPU 1. */
  readonly rcu: Actor;
}

/** Builds the world; `opts` are model options (era, timeouts); `choose` answers data choices. */
export function makeWorld(opts: ModelOptions = {}, choose?: (n: number) => number): World {
  const k = new Kernel(opts, choose);
  const root = k.cgroups.mkdir(null, 'root');
  const cg = k.cgroups.mkdir(root, 'cg');
  const cg2 = k.cgroups.mkdir(root, 'cg2');
  const m1 = cgrpStorageMapCreate(k, { name: 'm1', valueSize: 16 });
  const m2 = cgrpStorageMapCreate(k, { name: 'm2', valueSize: 24, spinLockSlot: 0 });
  if (!m1.ok || !m2.ok) throw new Error('map create failed');
  const cpu = (n: number): CpuNo => n as CpuNo;
  return {
    ...{ k, root, cg, cg2, map: m1.value, map2: m2.value, fd: k.fds.openCgroup(cg) },
    a: k.addActor('A', 'cpu', cpu(0)),
    b: k.addActor('B', 'cpu', cpu(1)),
    user: k.addActor('U', 'user', cpu(0)),
    kw: k.addActor('kworker', 'kworker', cpu(0)),
    rcu: k.addActor('rcu', 'rcu', cpu(1)),
  };
}

/** Runs the RCU worker and a kworker until they wait idle; false on a stall. */
export function drainDeferred(w: World): boolean {
  return runAll([start(w.k, w.rcu, rcuWorker(w.k, w.rcu)), start(w.k, w.kw, kworker(w.k, w.kw))]);
}

/** The value slots of an element. */
export function slotsOf(w: World, obj: ObjId): readonly number[] {
  return w.k.memory.get(obj).data!;
}

/** The cgroup's element of `map`, or null. */
export function elemOf(w: World, map: MapId, cg: CgroupId): ObjId | null {
  return w.k.localStorages.linkedElem(w.k.cgroups.get(cg).bpfCgrpStorage, map);
}

/**
 * Runs `runners` together with the RCU worker and a kworker (E3 map_free waits in
 * rcu_barrier for callbacks to run) until the runners are done and the workers
 * wait idle. Returns false on a stall.
 */
export function runWithWorkers(w: World, runners: readonly OpRunner<unknown>[]): boolean {
  const workers = [start(w.k, w.rcu, rcuWorker(w.k, w.rcu)), start(w.k, w.kw, kworker(w.k, w.kw))];
  return runAll([...runners, ...workers]);
}
