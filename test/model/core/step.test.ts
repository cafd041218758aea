import { describe, expect, it } from 'vitest';
import { asObjId } from '../../../model/core/ids.js';
import { acq, rd, rel, rmw, StepCache, step, wr } from '../../../model/core/step.js';

const o = asObjId;

describe('the step protocol', () => {
  it('a step without a blocker has no blocker field; accesses default to none', () => {
    expect(step('rcu_read_lock')).toStrictEqual({ label: 'rcu_read_lock', accesses: [] });
    const b = { kind: 'gp', readers: [] } as const;
    expect(step('synchronize_rcu', [rd(o(1))], b)).toStrictEqual({
      label: 'synchronize_rcu',
      accesses: [{ kind: 'read', obj: 1 }],
      blocker: b,
    });
  });

  it('access builders: read, write, acquire, release, atomic', () => {
    expect([rd(o(1)), wr(o(2)), acq(o(3)), rel(o(4)), rmw(o(5))]).toStrictEqual([
      { kind: 'read', obj: 1 },
      { kind: 'write', obj: 2 },
      { kind: 'acquire', obj: 3 },
      { kind: 'release', obj: 4 },
      { kind: 'atomic', obj: 5 },
    ]);
  });

  it('StepCache hands out one shared step per (name, object)', () => {
    const c = new StepCache('atomic', (name) => `${name}: busy++`);
    const s = c.get('get', 7);
    expect(s).toStrictEqual({ label: 'get: busy++', accesses: [{ kind: 'atomic', obj: 7 }] });
    expect(c.get('get', 7)).toBe(s);
    const t = c.get('get', 8);
    expect(t).toStrictEqual({ label: 'get: busy++', accesses: [{ kind: 'atomic', obj: 8 }] });
    expect(c.get('get', 8)).toBe(t);
    expect(c.get('get', 7)).toBe(s);
    const u = c.get('delete', 7);
    expect(u).toStrictEqual({ label: 'delete: busy++', accesses: [{ kind: 'atomic', obj: 7 }] });
    expect(c.get('delete', 7)).toBe(u);
  });
});
