/**
 * Which CPU tasks of a scenario are interchangeable (scheduler/symmetry.ts
 * explores one representative of every renaming of them). Conservative: two
 * `cpu` actors are in one class when their definitions differ only in name
 * and CPU (the same programs the same number of times in the same cgroup, the
 * same `after`), neither is a member task (the cgroup's task list is kept by
 * name) nor named anywhere else in the scenario, each is alone on its CPU, and nothing in
 * the scenario gives one CPU state the other lacks: no per-CPU map (userspace
 * may give each CPU its own value) and not the per-CPU storage pointer bug
 * (whose pointers live per CPU), and no compiled BPF object (whose program may
 * read its CPU's number). Every CPU starts alike: the busy counters at
 * 0, no program active; the RCU and kworker daemons run on CPUs of their own.
 */
import type { ResolvedScenarioDef } from '../format/resolvedTypes.js';

/** Why a scenario has no symmetry, or undefined when its CPU tasks may form classes. */
function symmetryBreaker(def: ResolvedScenarioDef): string | undefined {
  if (def.maps.some((m) => m.type === 'percpu_cgroup_storage')) return 'a per-CPU map';
  if (def.options.bugs.includes('percpu-storage-pointer')) return 'per-CPU storage pointers';
  // bpf_get_smp_processor_id() gives a compiled program its CPU's number.
  if (def.programs.some((p) => p.object !== undefined)) return 'a compiled BPF object';
  return undefined;
}

/**
 * Classes of interchangeable CPU tasks, as indices into the world's bodies
 * (its non-trace actors in order, then the daemons), each ascending, with at
 * least two tasks; classes in order of their first task.
 */
export function symmetryClassesOf(def: ResolvedScenarioDef): number[][] {
  if (symmetryBreaker(def) !== undefined) return [];
  const mains = def.actors.filter((a) => a.kind !== 'trace');
  const perCpu = new Map<number, number>();
  for (const a of mains) perCpu.set(a.cpu, (perCpu.get(a.cpu) ?? 0) + 1);
  const text = JSON.stringify(def);
  const byKey = new Map<string, number[]>();
  mains.forEach((a, i) => {
    if (a.kind !== 'cpu' || perCpu.get(a.cpu) !== 1 || a.task === 'member') return;
    // Named anywhere but in its own entry (a migration, an `after`, a cgroup of
    // that name): something may tell it apart, so it stays out of every class.
    if (text.split(JSON.stringify(a.name)).length > 2) return;
    const key = JSON.stringify({ ...a, name: '', cpu: 0 });
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [i]);
    else list.push(i);
  });
  return [...byKey.values()].filter((c) => c.length > 1);
}

/** The class as the report names it: `cpu0, cpu1, cpu2 interchangeable`. */
export function describeSymmetry(
  def: ResolvedScenarioDef,
  classes: readonly (readonly number[])[],
): string[] {
  const mains = def.actors.filter((a) => a.kind !== 'trace');
  return classes.map((c) => `${c.map((i) => mains[i]!.name).join(', ')} interchangeable`);
}
