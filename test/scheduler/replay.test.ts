import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { explore } from '../../scheduler/explore.js';
import {
  createReplayStrategy,
  diffScenarioIdentity,
  replay,
  replayLeniently,
  replayToken,
} from '../../scheduler/replay.js';
import { decodeToken, encodeToken, hashContent } from '../../scheduler/scheduleCodec.js';
import type { SchedulerView } from '../../scheduler/strategy.js';
import type { TaskId } from '../../scheduler/task.js';
import { choice, incFromReg, local, lostUpdate, type ProgramSpec, program, read } from './programs.js';

describe('replay', () => {
  const spec = lostUpdate(2, 1);
  const failing = [0, 1, 0, 1]; // ABAB: both read 0, both write 1

  it('reproduces a recorded violation exactly', () => {
    const r = replay(program(spec), failing);
    expect(r.status).toBe('replayed');
    expect(r.outcome.violation).toEqual({ invariant: 'atomic-add', message: 'x = 1, expected 2' });
    expect(r.trace.map((s) => s.taskName).join(' ')).toBe('T0 T1 T0 T1');
  });

  it('names the first step where a changed scenario diverges', () => {
    // The scenario changed: T0 got an extra step and T1 lost one, so step 3 cannot pick T1.
    const changed: ProgramSpec = {
      ...spec,
      tasks: [
        { name: 'T0', ops: [read('x'), local(), incFromReg('x')] },
        { name: 'T1', ops: [local()] },
      ],
    };
    const r = replay(program(changed), failing);
    expect(r.status).toBe('diverged');
    if (r.status !== 'diverged') return;
    expect(r.divergence).toEqual({
      step: 3,
      choiceIndex: 3,
      reason: 'the stream picks task 1; runnable = [0]',
    });
    expect(r.trace).toHaveLength(3);
  });

  it('reports a stream that ends early, runs long, or gives an out-of-range choice', () => {
    const f = program(spec);
    expect(replay(f, [0, 1])).toMatchObject({
      status: 'diverged',
      divergence: { step: 2, choiceIndex: 2, reason: 'the stream ended after 2 choices; runnable = [0, 1]' },
    });
    expect(replay(f, [0, 0, 1, 1, 1])).toMatchObject({
      status: 'diverged',
      divergence: {
        step: 4,
        choiceIndex: 4,
        reason: 'the execution ended (finished) after 4 choices; the stream has 5',
      },
    });
    const g = program({ tasks: [{ name: 'A', ops: [choice(2)] }] });
    expect(replay(g, [0, 5])).toMatchObject({
      status: 'diverged',
      divergence: { step: 0, choiceIndex: 1, reason: 'the stream gives 5 for a choice among 2' },
    });
  });

  it('a choice among n takes 0..n-1 and refuses n itself (the boundary)', () => {
    const g = program({ tasks: [{ name: 'A', ops: [choice(2)] }] });
    expect(replay(g, [0, 1])).toMatchObject({ status: 'replayed' });
    expect(replay(g, [0, 2])).toMatchObject({
      status: 'diverged',
      divergence: { step: 0, choiceIndex: 1, reason: 'the stream gives 2 for a choice among 2' },
    });
  });

  it('a token round-trips a failing execution and replays it; a changed model is reported', () => {
    const f = program(spec);
    const found = explore(f, createDfsStrategy());
    if (found.status !== 'violated') throw new Error('expected a violation');
    const identity = {
      scenarioId: 'lost-update',
      scenarioHash: hashContent('lost-update v1'),
      modelOptions: { kernel: '6.2' },
    };
    const token = encodeToken({
      ...identity,
      strategy: 'dfs',
      seed: '',
      executionIndex: found.executionIndex,
      choices: found.choices,
    });
    expect(token).toBe('cgrp1:C2xvc3QtdXBkYXRlEGI3ZWRmODEzOWNhZTBlYWMBBmtlcm5lbAADNi4yA2RmcwABBAAQABB7vA');
    const decoded = decodeToken(token);
    if (!decoded.ok) throw new Error(decoded.error);
    const same = replayToken(decoded.value, identity, f);
    expect(same.changes).toEqual([]);
    expect(same.result).toMatchObject({ status: 'replayed', outcome: { violation: found.violation } });
    const changedSpec: ProgramSpec = { ...spec, tasks: [spec.tasks[0]!, { name: 'T1', ops: [local()] }] };
    const now = { ...identity, scenarioHash: hashContent('lost-update v2'), modelOptions: { kernel: '6.8' } };
    const moved = replayToken(decoded.value, now, program(changedSpec));
    expect(moved.changes).toEqual([
      `scenario content changed (hash ${identity.scenarioHash} → ${now.scenarioHash})`,
      'model option kernel: token has 6.2, replaying 6.8',
    ]);
    expect(moved.result).toMatchObject({ status: 'diverged', divergence: { step: 3 } });
  });
});

describe('the replay strategy, decision by decision', () => {
  /** A view at step `n`; replay reads only the step count. */
  const at = (n: number): SchedulerView => ({ tasks: [], now: () => 0, steps: () => n });
  const ids = (...xs: number[]) => xs as TaskId[];

  it('is a one-execution, non-exhaustive, unindexed strategy named replay', () => {
    const s = createReplayStrategy([]);
    expect([s.name, s.isExhaustive, s.isIndexed, s.info()]).toEqual([
      'replay',
      false,
      false,
      { name: 'replay' },
    ]);
    expect([s.beginExecution(0), s.beginExecution(1)]).toEqual([true, false]);
  });

  it('strict: after the first misfit every decision abandons, even ones the stream would fit', () => {
    const s = createReplayStrategy([5, 1]);
    expect(s.nextTask(ids(1, 2), undefined, at(0))).toBeUndefined();
    expect(s.nextTask(ids(1, 2), undefined, at(0))).toBeUndefined();
    expect(s.divergence()).toEqual({
      step: 0,
      choiceIndex: 0,
      reason: 'the stream picks task 5; runnable = [1, 2]',
    });
  });

  it("strict: a choice past the stream's end is 0 and a divergence naming n", () => {
    const s = createReplayStrategy([]);
    expect(s.choose(3)).toBe(0);
    expect(s.divergence()?.reason).toBe('the stream ended before a choice among 3');
  });

  it('lenient: a misfit task keeps the current one if runnable, else takes the lowest runnable id', () => {
    expect(createReplayStrategy([], true).nextTask(ids(1, 2), 2 as TaskId, at(0))).toBe(2);
    expect(createReplayStrategy([], true).nextTask(ids(1, 2), undefined, at(0))).toBe(1);
    expect(createReplayStrategy([], true).nextTask(ids(1, 2), 3 as TaskId, at(0))).toBe(1);
  });

  it('lenient: each decision consumes one entry, misfit or not, and past the end stays past it', () => {
    const s = createReplayStrategy([5, 2, 7, 1], true);
    // 5 is not runnable: the current task 1 stays; the next entry (2) is read next.
    expect(s.nextTask(ids(1, 2), 1 as TaskId, at(0))).toBe(1);
    expect(s.nextTask(ids(1, 2), 1 as TaskId, at(1))).toBe(2);
    // 7 is out of range for 2 options: 0; the next entry (1) is read next.
    expect([s.choose(2), s.choose(2)]).toEqual([0, 1]);
    // Past the end: the default, and a later choice does not go back into the stream.
    expect(s.nextTask(ids(1, 2), 2 as TaskId, at(2))).toBe(2);
    expect(s.choose(3)).toBe(0);
    expect(s.divergence()).toEqual({
      step: 0,
      choiceIndex: 0,
      reason: 'the stream picks task 5; runnable = [1, 2]',
    });
  });

  it('replayLeniently repairs a stream and returns the exact stream that ran, which replays strictly', () => {
    const f = program(lostUpdate(2, 1));
    const run = replayLeniently(f, [1, 7], 100);
    // T1 first as asked; 7 is no task: T1 keeps running to its end, then T0.
    expect(run.choices).toEqual([1, 1, 0, 0]);
    expect(run.outcome.status).toBe('finished');
    expect(replay(f, run.choices).status).toBe('replayed');
  });
});

describe('diffScenarioIdentity', () => {
  const id = { scenarioId: 's', scenarioHash: 'h', modelOptions: { era: 'E1', cpus: 2 } };

  it('an unchanged identity: no change', () => {
    expect(diffScenarioIdentity(id, { ...id })).toEqual([]);
  });

  it('one line per difference: id, hash, then each model option in name order, unset ones named', () => {
    const now = { scenarioId: 't', scenarioHash: 'g', modelOptions: { era: 'E3', maxSteps: 9 } };
    expect(diffScenarioIdentity(id, now)).toEqual([
      'scenario id: token has s, replaying t',
      'scenario content changed (hash h → g)',
      'model option cpus: token has 2, replaying (unset)',
      'model option era: token has E1, replaying E3',
      'model option maxSteps: token has (unset), replaying 9',
    ]);
  });
});
