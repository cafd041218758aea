/**
 * The examples/ verification suite: each file states its verdict (`expect`),
 * and gets exactly that, with every reachability goal met, under the budget
 * pinned here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check } from '../../../scenarios/api/api.js';

const file = (name: string) => fileURLToPath(new URL(`../../../examples/${name}.json`, import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: tests edit raw JSON freely
const load = (name: string): any => JSON.parse(readFileSync(file(name), 'utf8'));

describe('examples/: exact expectations', () => {
  it('userspace-errnos: every command returns the errno it states, in 200 random executions', async () => {
    const r = await check(file('userspace-errnos'), { seed: 'ci', runs: 200 });
    expect([r.verdict, r.expect, r.stats.executions, r.unreached]).toEqual(['pass', 'pass', 200, []]);
  });

  it('after-rmdir: once the rmdir returned, lookup, update and delete fail with -ENOENT', async () => {
    const r = await check(file('after-rmdir'), { seed: 'ci', runs: 200 });
    expect([r.verdict, r.unreached]).toEqual(['pass', []]);
  });

  it('after-rmdir without `after`: the lookup that comes first returns 0, an op-result violation', async () => {
    const def = load('after-rmdir');
    delete def.actors[2].after;
    const r = await check(def, { seed: 'ci', runs: 200 });
    expect(r.violation?.invariant).toBe('op-result');
    expect(r.violation?.message).toMatch(
      /^reader ops\[\d\] \((lookup|update|delete) counters\[app\]\) returned 0; the scenario expects -ENOENT$/,
    );
  });

  it('rmdir-populated: -EBUSY while a task is a member, 0 once it migrated away or exited; both results reached', async () => {
    const r = await check(file('rmdir-populated'), { seed: 'ci', runs: 300 });
    expect([r.verdict, r.unreached]).toEqual(['pass', []]);
  });

  it('allowed-final-values: DPOR covers the space; the counter ends at 2 or 1, and both happen', async () => {
    // 24 executions since live cgroup puts commute (39 before, with idle daemons,
    // atomic blocks and symmetry together).
    const r = await check(file('allowed-final-values'), { strategy: 'dpor', runs: 5000 });
    expect([r.verdict, r.complete, r.stats.executions, r.unreached]).toEqual(['pass', true, 24, []]);
  });

  it('allowed-final-values with 1 left out: a final-value violation naming both allowed values', async () => {
    const def = load('allowed-final-values');
    def.expectFinal = [{ map: 'counters', cgroup: 'app', anyOf: [[2], [3]] }];
    def.reachability = [];
    const r = await check(def, { strategy: 'dpor', runs: 5000 });
    expect(r.violation?.message).toBe(
      'at the end counters[app] holds [1]; the scenario expects one of [2], [3]',
    );
  });

  it('global-data: the count in .bss is shared by the setup run and both CPUs; the last copy is 3 or 2', async () => {
    // 21 executions (32 before live cgroup puts commuted).
    const r = await check(file('global-data'), { strategy: 'dpor', runs: 5000 });
    expect([r.verdict, r.complete, r.stats.executions, r.unreached]).toEqual(['pass', true, 21, []]);
    const def = load('global-data');
    def.expectFinal = [{ map: 'last_seen', cgroup: 'app', value: [3] }];
    const exact = await check(def, { strategy: 'dpor', runs: 5000 });
    expect(exact.violation?.message).toBe('at the end last_seen[app] holds [2]; the scenario expects [3]');
  });

  it('helper-results: NULL without F_CREATE, a pointer with it, a racing delete returns 0 and -ENOENT', async () => {
    const r = await check(file('helper-results'), { seed: 'ci', runs: 300 });
    expect([r.verdict, r.unreached]).toEqual(['pass', []]);
    const def = load('helper-results');
    def.programs[1].expectCalls[0].expect = 'NULL';
    def.expect = 'helper-result';
    const wrong = await check(def, { seed: 'ci', runs: 50 });
    expect([wrong.expect, wrong.violation?.invariant]).toEqual(['helper-result', 'helper-result']);
    expect(wrong.violation?.message).toBe(
      'creator: create.insns[0] (call get map=counters cg=current flags=F_CREATE) returned pointer; the scenario expects NULL',
    );
  });

  it('after-program-run: DPOR covers the space; the lookup ordered after the run always finds the element', async () => {
    // 19 executions: 52 before live cgroup puts commuted, then 15 while DPOR
    // missed the race of two acquires whose steps also write the guarded storage.
    const r = await check(file('after-program-run'), { strategy: 'dpor', runs: 5000 });
    expect([r.verdict, r.complete, r.stats.executions, r.unreached]).toEqual(['pass', true, 19, []]);
  });

  it("after-program-run without `after`: the lookup may come before the program's create, an op-result violation", async () => {
    const def = load('after-program-run');
    delete def.actors[1].after;
    const r = await check(def, { strategy: 'dpor', runs: 5000 });
    expect([r.violation?.invariant, r.violation?.message]).toEqual([
      'op-result',
      'ordered ops[0] (lookup counters[app]) returned -ENOENT; the scenario expects 0',
    ]);
  });

  it('lookup-races-create: declared to fail with op-result, and it does', async () => {
    const r = await check(file('lookup-races-create'), { seed: 'ci', runs: 200 });
    expect([r.expect, r.violation?.invariant, r.violation?.message]).toEqual([
      'op-result',
      'op-result',
      'reader ops[0] (lookup counters[app]) returned -ENOENT; the scenario expects 0',
    ]);
  });

  it('a reachable result no execution shows is reported unreached', async () => {
    const def = load('rmdir-populated');
    def.actors[1].ops[0].expect = { reachable: ['-EBUSY', 0, '-EPERM'] };
    const r = await check(def, { seed: 'ci', runs: 100 });
    expect([r.verdict, r.unreached]).toEqual(['pass', ['admin ops[0] (rmdir job) returns -EPERM']]);
  });
});
