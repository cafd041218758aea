/**
 * The adapter between model and scheduler: step checks run after every step
 * that may have changed what they read — a step that wrote, locked or waited,
 * or one that added a fact (a result, a memory fault, a lock-order edge). A
 * step whose footprint only reads and that added no fact leaves the state the
 * last check saw, so the checks are skipped there; a fact-driven check (one
 * that only reads facts appended since its last call) runs only after a step
 * that appended one, and a structural check (one that reads only the storage
 * structure) only after a step that wrote, locked or unlocked a shared object.
 */
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../../model/kernel/kernel.js';
import type { Property } from '../../../properties/property.js';
import { compileScenario } from '../../../scenarios/compile/index.js';
import { toExecutionFactory, type WorldBuilder } from '../../../scenarios/compile/world.js';
import { loadScenario } from '../../../scenarios/engine/load.js';
import { resolveParams } from '../../../scenarios/format/params.js';
import { explore } from '../../../scheduler/explore.js';
import { recordingStrategy } from '../../../scheduler/mazurkiewicz.js';
import { createRandomStrategy } from '../../../scheduler/random.js';

function builderOf(name: string, params: Record<string, number>): WorldBuilder {
  const source = loadScenario(name);
  if (!source.ok) throw new Error(source.error.message);
  const def = resolveParams(source.value.def, params, name);
  if (!def.ok) throw new Error(def.error.message);
  const b = compileScenario(def.value, 'E1');
  if (!b.ok) throw new Error(b.error.message);
  return b.value;
}

describe('world', () => {
  it('runs step checks after steps that write or add facts, and skips the read-only rest', () => {
    const build = builderOf('doc-counter', { cpus: 2, iterations: 2 });
    let checks = 0;
    const counting: Property = {
      id: 'counting',
      description: 'counts its step checks',
      checkStep: (_k: Kernel) => {
        checks++;
        return undefined;
      },
    };
    let factChecks = 0;
    const factDriven: Property = {
      id: 'fact-driven',
      description: 'counts its step checks; looks only at new facts',
      isFactDriven: true,
      checkStep: (_k: Kernel) => {
        factChecks++;
        return undefined;
      },
    };
    let faultChecks = 0;
    const faultDriven: Property = {
      id: 'fault-driven',
      description: 'counts its step checks; looks only at new memory faults',
      isFactDriven: true,
      factLog: 'faults',
      checkStep: (_k: Kernel) => {
        faultChecks++;
        return undefined;
      },
    };
    const f = toExecutionFactory((choose) => {
      const w = build(choose);
      return { ...w, properties: [...w.properties, counting, factDriven, faultDriven] };
    });
    let readOnly = 0;
    const strategy = recordingStrategy(createRandomStrategy('world'), (rec) => {
      readOnly = rec.events.filter((e) => e.accesses.every((a) => a.kind === 'read')).length;
    });
    const r = explore(f, strategy, { maxExecutions: 1 });
    // 2 CPUs × 2 runs of get + atomic add, and one reader: 37 steps (45 model
    // steps: the busy counter's lock and unlock around the 4 helper calls run in
    // an atomic block with the step before them). 12 steps only read (each run's
    // rcu_dereference and lookup, the reader's two); one of them carried a busy
    // unlock in its block, so the checks run after 26 (37 − 12 + 1). Facts (a
    // get's or a syscall's result, an increment, an element's creation) come
    // from 13 steps, the only ones after which the fact-driven check runs. No
    // step faults: the check of memory faults runs once, at the first step,
    // when every log counts as new.
    expect([r.status, r.steps, readOnly, checks, factChecks, faultChecks]).toEqual([
      'passed',
      37,
      12,
      26,
      13,
      1,
    ]);
  });

  it('runs structural checks only after steps that write, lock or unlock a shared object', () => {
    const build = builderOf('doc-counter', { cpus: 2, iterations: 2 });
    let structuralChecks = 0;
    const structural: Property = {
      id: 'structural',
      description: 'counts its step checks; reads only the storage structure',
      isStructural: true,
      checkStep: (_k: Kernel) => {
        structuralChecks++;
        return undefined;
      },
    };
    const f = toExecutionFactory((choose) => {
      const w = build(choose);
      return { ...w, properties: [...w.properties, structural] };
    });
    const labels: string[] = [];
    const strategy = recordingStrategy(createRandomStrategy('world'), (rec) => {
      for (const e of rec.events)
        if (e.accesses.some((a) => a.kind === 'write' || a.kind === 'acquire' || a.kind === 'release'))
          labels.push(e.label);
    });
    const r = explore(f, strategy, { maxExecutions: 1 });
    // Of the same execution's 37 steps, 10 write, lock or unlock a shared object:
    // the bucket-lock section of the create that published the storage, three
    // owner-lock sections, the RCU worker's grace-period wait and the callback
    // that frees an element after it. The other 27 only
    // read, or run atomics (rcu_read_lock/unlock, atomic_add) and the CPU's own
    // busy counter, which change no storage structure.
    expect([r.steps, structuralChecks, labels.length]).toEqual([37, 10, 10]);
  });
});
