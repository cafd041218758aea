/** Fixed reports the fake engine returns: one violation with a five-step trace, one pass. */
import type { ScenarioInfo } from '../../scenarios/engine/engine.js';
import type { CheckReport, FoundViolation, TraceRow } from '../../scenarios/engine/result.js';

/** The fake catalogue. */
export const CATALOGUE: readonly ScenarioInfo[] = [
  {
    name: 'uaf-on-destroy',
    description: 'cgroup destroy races a storage get',
    kernel: '6.2',
    expect: 'pass',
    params: [{ name: 'cpus', description: 'CPUs running programs', default: 2, min: 1, max: 4 }],
  },
  {
    name: 'busy-get',
    description: 'get while the busy counter is held',
    kernel: '6.15',
    expect: 'pass',
    params: [],
  },
];

const row = (
  index: number,
  task: number,
  taskName: string,
  label: string,
  note: string,
  accesses: TraceRow['accesses'],
): TraceRow => ({
  index,
  task,
  taskName,
  label,
  note,
  accesses,
  clock: index * 10,
});

/**
 * cpu0 gets the element, cpu1 destroys the cgroup and frees it, the RCU grace
 * period ends, cpu0 reads freed memory. Happens-before after reduction:
 * s1→s2 (program), s0→s2, s2→s3, s3→s4 (conflicts on obj 10).
 */
export const UAF_TRACE: readonly TraceRow[] = [
  row(0, 0, 'cpu0', 'bpf_cgrp_storage_get(cg1)', 'e1 linked on cg1', [{ kind: 'write', obj: 10 }]),
  row(1, 1, 'cpu1', 'cgroup_destroy(cg1)', 'cg1 dying', [{ kind: 'write', obj: 20 }]),
  row(2, 1, 'cpu1', 'bpf_cgrp_storage_free(cg1)', 'e1 unlinked; call_rcu queued', [
    { kind: 'write', obj: 10 },
  ]),
  row(3, 2, 'rcu', 'rcu_grace_period()', 'e1 freed', [{ kind: 'write', obj: 10 }]),
  row(4, 0, 'cpu0', 'READ_ONCE(e1->data)', '', [{ kind: 'read', obj: 10 }]),
];

/** The replay token of the violation. */
export const UAF_TOKEN = 'cgrp1.uaf-on-destroy.6-2.AbC_d-9';

/** The violation the fake finds in `uaf-on-destroy`. */
export const UAF_VIOLATION: FoundViolation = {
  invariant: 'no-use-after-free',
  message: 'cpu0 read e1 after the grace period freed it',
  replay: UAF_TOKEN,
  trace: UAF_TRACE,
  shrink: { before: { steps: 41, preemptions: 5 }, after: { steps: 5, preemptions: 2 } },
  execution: 7,
};

/** A report of `scenario` with `executions` executions; a violation when `violation` is set. */
export function makeReport(
  scenario: string,
  seed: string,
  executions: number,
  extra: Partial<CheckReport> = {},
): CheckReport {
  return {
    scenario,
    kernel: '6.2',
    strategy: 'random',
    seed,
    params: {},
    verdict: extra.violation ? 'violation' : 'pass',
    complete: false,
    stats: { executions, steps: executions * 10, elapsedMs: 0, abandoned: 0 },
    unreached: [],
    ...extra,
  };
}
