import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { ChoiceLog, runExecution } from '../../scheduler/execute.js';
import { explore, resolveExploreOptions } from '../../scheduler/explore.js';
import { createRandomStrategy } from '../../scheduler/random.js';
import { replay } from '../../scheduler/replay.js';
import { TraceRecorder } from '../../scheduler/trace.js';
import { TEST_SEEDS } from '../setup.js';
import {
  acquire,
  at,
  choice,
  idleTake,
  incFromReg,
  independentTasks,
  local,
  lostUpdate,
  type Op,
  type ProgramSpec,
  post,
  program,
  read,
  release,
  set,
  sleepUntil,
  waitFor,
} from './programs.js';

describe('explore (the runner)', () => {
  it('resolves defaults: 10 000 steps, 10 000 executions, never stops early', () => {
    const o = resolveExploreOptions();
    expect([o.maxSteps, o.maxExecutions, o.shouldStop(), o.firstExecution, o.executionStride]).toEqual([
      10_000,
      10_000,
      false,
      0,
      1,
    ]);
    expect(() => resolveExploreOptions({ maxSteps: 0 })).toThrow('maxSteps must be > 0, got 0');
  });

  it('a daemon waiting idle at the end is no deadlock; one blocked in the middle of its work is', () => {
    const run = (server: Op[]) =>
      explore(
        program({
          tasks: [
            { name: 'A', ops: [post('s')] },
            { name: 'D', ops: server },
          ],
        }),
        createDfsStrategy(),
      );
    // D serves one item, then waits idle for a second that never comes.
    const idle = run([idleTake('s'), local(), idleTake('s'), local()]);
    expect([idle.status, idle.executions, idle.complete]).toEqual(['passed', 1, true]);
    // D serves the item but its work waits for a flag nobody sets: a deadlock.
    const stuck = run([idleTake('s'), waitFor('z', 1), idleTake('s')]);
    expect(stuck.status === 'violated' && stuck.violation.invariant).toBe('no-deadlock');
  });

  it('the virtual clock: a sleeper runs only when nothing else can; ties are decisions', () => {
    // A sleeps until t=10, B until t=5, C runs now. Every schedule: C @5 B @10 A.
    const f = program({
      tasks: [
        { name: 'A', ops: [sleepUntil(10)] },
        { name: 'B', ops: [sleepUntil(5)] },
        { name: 'C', ops: [local()] },
      ],
    });
    const r = explore(f, createDfsStrategy());
    expect(r.executions).toBe(1);
    const t = replay(f, [2, 1, 0]);
    expect(t.trace.map((s) => `${s.taskName}@${s.clock}`)).toEqual(['C@0', 'B@5', 'A@10']);
    // Two timers firing at t=5 leave the order to the choice stream: 2 executions.
    const tie = program({
      tasks: [
        { name: 'A', ops: [at(5, set('x', 1))] },
        { name: 'B', ops: [at(5, set('x', 2))] },
      ],
    });
    expect(explore(tie, createDfsStrategy()).executions).toBe(2);
  });

  it('a deadlock waits for no timer: a pending wake-up is not a deadlock', () => {
    // B holds L until t=3; A blocks on L meanwhile; the clock advances, B releases.
    const f = program({
      tasks: [
        { name: 'A', ops: [local(), acquire('L'), release('L')] },
        { name: 'B', ops: [acquire('L'), at(3, release('L'))] },
      ],
    });
    const r = explore(f, createDfsStrategy());
    expect(r).toMatchObject({ status: 'passed', executions: 3, complete: true });
  });

  it('maxSteps guards against livelock: a no-livelock violation', () => {
    const spin: Op = { label: 'spin', reads: ['x'], writes: [] };
    const f = program({ tasks: [{ name: 'A', ops: Array.from({ length: 50 }, () => spin) }] });
    const r = explore(f, createDfsStrategy(), { maxSteps: 20 });
    expect(r.status).toBe('violated');
    if (r.status !== 'violated') return;
    expect(r.violation).toEqual({
      invariant: 'no-livelock',
      message: 'execution exceeded maxSteps = 20 (livelock or unbounded loop)',
    });
    expect(r.failingSteps).toBe(20);
  });

  it('shouldStop is checked between executions only', () => {
    let calls = 0;
    const r = explore(program(independentTasks(2, 2)), createDfsStrategy(), {
      shouldStop: () => ++calls > 3,
    });
    expect(r).toMatchObject({ status: 'passed', executions: 3, stoppedBy: 'shouldStop', complete: false });
  });

  it('a violation carries the stream, the execution index and a trace with notes', () => {
    const r = explore(program(lostUpdate(2, 1)), createDfsStrategy());
    expect(r.status).toBe('violated');
    if (r.status !== 'violated') return;
    // DFS order: AABB passes, ABAB loses an update (2 preemptions: A→B and B→A).
    expect([r.executionIndex, r.choices, r.preemptions, r.failingSteps]).toEqual([1, [0, 1, 0, 1], 2, 4]);
    expect(r.violation).toEqual({ invariant: 'atomic-add', message: 'x = 1, expected 2' });
    expect(r.trace.map((s) => [s.step, s.taskName, s.label, s.clock, s.note])).toEqual([
      [0, 'T0', 'read(x)', 0, ''],
      [1, 'T1', 'read(x)', 0, ''],
      [2, 'T0', 'write(x=reg+1)', 0, 'x=1'],
      [3, 'T1', 'write(x=reg+1)', 0, 'x=1'],
    ]);
  });

  it('onlyInvariant skips other violations and keeps searching', () => {
    const r = explore(program(lostUpdate(2, 1)), createDfsStrategy(), { onlyInvariant: 'something-else' });
    expect(r).toMatchObject({ status: 'passed', executions: 6, ignoredViolations: 4, complete: true });
  });

  it('sharding: execution i of a random run depends only on (seed, i)', () => {
    const f = program(lostUpdate(3, 2));
    const streams = (first: number, stride: number, max: number) => {
      const out = new Map<number, readonly number[]>();
      explore(f, createRandomStrategy('shard'), {
        firstExecution: first,
        executionStride: stride,
        maxExecutions: max,
        onlyInvariant: 'none',
        onExecutionEnd: (e) => out.set(e.index, e.choices),
      });
      return out;
    };
    const all = streams(0, 1, 12);
    const merged = new Map([...streams(0, 3, 4), ...streams(1, 3, 4), ...streams(2, 3, 4)]);
    for (const [i, s] of all) expect(merged.get(i)).toEqual(s);
    expect(() => explore(f, createDfsStrategy(), { firstExecution: 1 })).toThrow('is sequential');
  });

  const specArb: fc.Arbitrary<ProgramSpec> = fc
    .array(
      fc.array(
        fc.oneof(
          fc.constantFrom('x', 'y').map((o) => [read(o), incFromReg(o)]),
          fc.constantFrom('x', 'y').map((o) => [set(o, 7)]),
          fc.constant([acquire('L'), read('x'), release('L')]),
          fc.constant([choice(3)]),
          fc.integer({ min: 1, max: 9 }).map((t) => [sleepUntil(t)]),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((ts) => ({ tasks: ts.map((ops, i) => ({ name: `T${i}`, ops: ops.flat() })), initialChoices: [2] }));

  const traceOf = (spec: ProgramSpec, seed: string) => {
    const strategy = createRandomStrategy(seed);
    const log = new ChoiceLog();
    const rec = new TraceRecorder();
    strategy.beginExecution(0);
    const outcome = runExecution(program(spec), strategy, { log, maxSteps: 1000, observer: rec });
    return { outcome, choices: log.snapshot(), trace: rec.steps, initial: rec.initialChoices };
  };

  it.each(TEST_SEEDS)(
    'property: record then replay gives an identical trace (generated task sets and seeds) (seed %i)',
    (seed) => {
      fc.assert(
        fc.property(specArb, fc.string(), (spec, seed) => {
          const run = traceOf(spec, seed);
          const again = replay(program(spec), run.choices);
          expect(again.status).toBe('replayed');
          expect(again.trace).toEqual(run.trace);
          expect(again.outcome).toEqual(run.outcome);
        }),
        { seed, numRuns: 200 },
      );
    },
  );

  it.each(TEST_SEEDS)('property: the same seed twice gives identical traces (seed %i)', (seed) => {
    fc.assert(
      fc.property(specArb, fc.string(), (spec, seed) => {
        expect(traceOf(spec, seed)).toEqual(traceOf(spec, seed));
      }),
      { seed, numRuns: 100 },
    );
  });
});
