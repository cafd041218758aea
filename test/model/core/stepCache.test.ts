/**
 * StepCache (model/core/step.ts): the hottest steps are built once per (name,
 * object) and shared, since a step is immutable; the cache is bounded, so a
 * process checking many generated scenarios does not grow it forever.
 */
import { describe, expect, it } from 'vitest';
import { StepCache } from '../../../model/core/step.js';

describe('StepCache', () => {
  it('hands out the same step for the same name and object, a new one otherwise', () => {
    const lookup = new StepCache('read', (map) => `bpf_local_storage_lookup(${map})`);
    const a = lookup.get('counters', 9);
    expect(a).toEqual({ label: 'bpf_local_storage_lookup(counters)', accesses: [{ kind: 'read', obj: 9 }] });
    expect(lookup.get('counters', 9)).toBe(a);
    expect(lookup.get('counters', 10)).not.toBe(a);
    expect(lookup.get('other', 9).label).toBe('bpf_local_storage_lookup(other)');
  });

  it('starts over past 4,096 steps, with equal steps after it', () => {
    const cache = new StepCache('atomic', (name) => name);
    const first = cache.get('x', 0);
    for (let obj = 1; obj < 4096; obj++) cache.get('x', obj);
    expect(cache.get('x', 0)).toBe(first); // 4,096 kept
    cache.get('x', 4096); // the 4,097th: the cache starts over with it
    const again = cache.get('x', 0);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
