/**
 * Each C fixture of examples/bpf, checked from its compiled object, gives the
 * verdict of its twin in the instruction language (the catalogue entry), with
 * the same seed and budget; the racy counter's violation shrinks and its token
 * replays the same trace.
 */
import { describe, expect, test } from 'vitest';
import { check, replay } from '../../scenarios/index.js';

const EXAMPLES = 'examples/bpf';
const TWINS = [
  ['doc-counter', 'pass'],
  ['doc-counter-racy', 'atomic-add'],
  ['delete-from-program', 'pass'],
  ['deprecated-vs-new-delete', 'pass'],
  ['selftest-recursion', 'pass'],
  ['selftest-yes-rcu-lock', 'pass'],
] as const;

/** What a verdict is: pass or the invariant violated, and the reachability goals left unreached. */
const verdictOf = (r: Awaited<ReturnType<typeof check>>) => ({
  verdict: r.verdict === 'pass' ? 'pass' : r.violation!.invariant,
  unreached: r.unreached,
});

describe('BPF objects and their instruction-language twins', () => {
  test.each(TWINS)('%s: the object gives the catalogue verdict (%s)', async (name, expected) => {
    const options = { seed: '1', runs: 150 };
    const twin = await check(name, options);
    const object = await check(`${EXAMPLES}/${name}.json`, options);
    expect(verdictOf(object)).toEqual(verdictOf(twin));
    expect(verdictOf(object)).toEqual({ verdict: expected, unreached: [] });
  });

  test('doc-counter-racy from its object: shrunk to one preemption, and the token replays the same trace', async () => {
    const path = `${EXAMPLES}/doc-counter-racy.json`;
    const report = await check(path, { seed: '1', runs: 150 });
    const v = report.violation!;
    expect(v.message).toBe(
      'element 1000001 of map counters for cgroup app ends at 2 but 4 increments ran on it (2 lost: cpu1 and cpu0 both loaded 0; cpu1 and cpu0 both loaded 1)',
    );
    expect(v.shrink.after.preemptions).toBe(1);
    const again = replay(path, v.replay);
    expect(again.violation?.message).toBe(v.message);
    expect(again.violation?.trace).toEqual(v.trace);
    expect(JSON.stringify(again.violation?.trace)).toContain('count#9: ldx [1000001+0]');
  });

  test('the same seed gives byte-identical reports from the object', async () => {
    const path = `${EXAMPLES}/doc-counter-racy.json`;
    const strip = (r: Awaited<ReturnType<typeof check>>) =>
      JSON.stringify({ ...r, stats: { ...r.stats, elapsedMs: 0 } });
    expect(strip(await check(path, { seed: '7', runs: 50 }))).toBe(
      strip(await check(path, { seed: '7', runs: 50 })),
    );
  });
});
