import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioInfo } from '../../../scenarios/format/info.js';
import { resolveParams } from '../../../scenarios/format/params.js';
import type { ResolvedActor } from '../../../scenarios/format/resolvedTypes.js';
import type { ScenarioDef } from '../../../scenarios/format/types.js';
import { parseScenarioJson, validateScenario } from '../../../scenarios/format/validate.js';

const FIXTURE = readFileSync(new URL('fixtures/doc-counter.json', import.meta.url), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: tests mutate raw JSON freely
type Json = any;

function load(mutate: (d: Json) => void = () => {}): ScenarioDef {
  const d = JSON.parse(FIXTURE);
  mutate(d);
  const r = validateScenario(d, 'doc-counter.json');
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** One line per actor: `name@cpu` and what it runs. */
function summary(actors: readonly ResolvedActor[]): string[] {
  return actors.map((a) => {
    if (a.kind === 'trace') return `trace ${a.program} times=${a.times ?? 'all'}`;
    if (a.kind === 'user') return `user ${a.name}@${a.cpu}: ${a.ops.map((o) => o.op).join(',')}`;
    return `cpu ${a.name}@${a.cpu} in ${a.cgroup}: ${a.run.map((s) => `${'hook' in s ? s.hook : s.program}x${s.times}`).join(',')}`;
  });
}

function errorOf(def: ScenarioDef, overrides: Record<string, number>): string {
  const r = resolveParams(def, overrides, '--set');
  return r.ok ? 'resolved' : r.error.message;
}

describe('resolveParams', () => {
  it('applies defaults, fills optional fields and expands cpu actors', () => {
    const r = resolveParams(load(), {}, 'doc-counter.json');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.params).toStrictEqual({ cpus: 2, iterations: 2 });
    expect(r.value.cpus).toBe(2);
    // The reader asked for CPU 0, so it shares it with cpu0 (and may preempt it).
    expect(summary(r.value.actors)).toStrictEqual([
      'cpu cpu0@0 in app: countx2,egressx1',
      'cpu cpu1@1 in app: countx2,egressx1',
      'user reader@0: lookup,update,lookup,delete,rmdir,close-map',
      'trace nested times=all',
    ]);
    expect(r.value.maps).toStrictEqual([
      { name: 'counters', type: 'cgrp_storage', valueSize: 8, spinLock: false, key: undefined },
      { name: 'old', type: 'cgroup_storage', valueSize: 8, spinLock: false, key: 'isolated' },
    ]);
    expect(r.value.cgroups).toStrictEqual([
      { name: 'root', parent: undefined, v1: false },
      { name: 'app', parent: 'root', v1: false },
    ]);
    expect(r.value.options).toStrictEqual({
      lockTimeouts: false,
      allocFailures: false,
      bugs: ['map-free-unguarded'],
      kworkers: 1,
    });
    expect(r.value.programs.map((p) => p.sleepable)).toStrictEqual([false, false, false]);
    expect(r.value.programs.map((p) => p.tailCalls)).toStrictEqual([[], [], []]);
  });

  it('applies --set overrides', () => {
    const r = resolveParams(load(), { cpus: 4, iterations: 16 }, '--set');
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.params).toStrictEqual({ cpus: 4, iterations: 16 });
    expect(r.value.cpus).toBe(4);
    expect(summary(r.value.actors).slice(0, 4)).toStrictEqual([
      'cpu cpu0@0 in app: countx16,egressx1',
      'cpu cpu1@1 in app: countx16,egressx1',
      'cpu cpu2@2 in app: countx16,egressx1',
      'cpu cpu3@3 in app: countx16,egressx1',
    ]);
  });

  it('hands out CPUs in actor order, explicit ones starting a run of their own', () => {
    const def = load((d) => {
      delete d.actors[1].cpu;
      d.actors.push({
        kind: 'cpu',
        name: 'late',
        count: 2,
        cpu: 6,
        cgroup: 'root',
        run: [{ program: 'count' }],
      });
    });
    const r = resolveParams(def, { cpus: 3 }, '--set');
    if (!r.ok) throw new Error(r.error.message);
    expect(summary(r.value.actors)).toStrictEqual([
      'cpu cpu0@0 in app: countx2,egressx1',
      'cpu cpu1@1 in app: countx2,egressx1',
      'cpu cpu2@2 in app: countx2,egressx1',
      'user reader@3: lookup,update,lookup,delete,rmdir,close-map',
      'trace nested times=all',
      'cpu late0@6 in root: countx1',
      'cpu late1@7 in root: countx1',
    ]);
    expect(r.value.cpus).toBe(8);
  });

  it('inherits v1 from the nearest ancestor that says', () => {
    const def = load((d) => {
      d.cgroups[0].v1 = true;
      delete d.cgroups[1].v1;
    });
    const r = resolveParams(def, {}, '--set');
    expect(r.ok && r.value.cgroups.map((c) => c.v1)).toStrictEqual([true, true]);
  });

  it('rejects an unknown parameter, naming the known ones', () => {
    expect(errorOf(load(), { cpsu: 2 })).toBe("--set: unknown parameter 'cpsu' (known: cpus, iterations)");
  });

  it('rejects a value outside the range', () => {
    expect(errorOf(load(), { cpus: 9 })).toBe("--set: parameter 'cpus' = 9 is outside [1, 8]");
  });

  it('rejects a non-integer value', () => {
    expect(errorOf(load(), { iterations: 1.5 })).toBe(
      "--set: parameter 'iterations' must be an integer, got 1.5",
    );
  });

  it('rejects parameters on a scenario that has none', () => {
    const def = load((d) => {
      delete d.params;
      d.actors[0].count = 2;
      d.actors[0].run[0].times = 2;
    });
    expect(errorOf(def, { cpus: 2 })).toBe("--set: unknown parameter 'cpus' (none declared)");
  });

  it('rejects more than 64 CPUs', () => {
    // A count may not range past 64, so --set cpus=65 fails the parameter's own range first...
    expect(errorOf(load(), { cpus: 65 })).toBe("--set: parameter 'cpus' = 65 is outside [1, 8]");
    const r = validateScenario(
      { ...load(), params: { ...load().params, cpus: { ...load().params?.cpus, max: 128 } } },
      'x.json',
    );
    expect(r.ok ? 'valid' : r.error.message).toBe(
      "x.json: actors[0].count: '$cpus' ranges over [1, 128], outside the allowed [1, 64]",
    );
    // ...and the total is checked after expansion: cpu0..cpu63 take CPUs 0..63, the reader would need CPU 64.
    const def = load((d) => {
      d.params.cpus.max = 64;
      delete d.actors[1].cpu;
    });
    expect(errorOf(def, { cpus: 63 })).toBe('resolved');
    expect(errorOf(def, { cpus: 64 })).toBe(
      "--set: actors[1]: 'reader' would run on CPU 64; at most 64 CPUs (0..63) exist",
    );
  });

  it('rejects actor names that collide after expansion', () => {
    const def = load((d) => {
      d.actors[1].name = 'cpu1';
    });
    expect(errorOf(def, {})).toBe("--set: actors[1]: actor name 'cpu1' is also used by actors[0]");
  });

  it('rejects a value with more words than the map holds', () => {
    const def = load((d) => {
      d.actors[1].ops[1].value = [1, 2];
    });
    expect(errorOf(def, {})).toBe(
      "--set: actors[1].ops[1].value: 2 words do not fit map 'counters' (valueSize 8 holds 1)",
    );
  });
});

describe('scenarioInfo', () => {
  it('lists the catalogue entry with params in declaration order', () => {
    const r = parseScenarioJson(FIXTURE, 'doc-counter.json');
    if (!r.ok) throw new Error(r.error.message);
    expect(scenarioInfo(r.value)).toStrictEqual({
      name: 'doc-counter',
      description: 'tp_btf sys_enter counts syscalls per cgroup with an atomic add; userspace reads',
      kernel: '6.2',
      expect: 'pass',
      params: [
        { name: 'cpus', description: 'CPUs running the program', default: 2, min: 1, max: 8 },
        { name: 'iterations', description: 'program runs per CPU', default: 2, min: 1, max: 16 },
      ],
    });
  });
});
