import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { explore } from '../../scheduler/explore.js';
import { replay, replayToken } from '../../scheduler/replay.js';
import { decodeToken, encodeToken, hashContent } from '../../scheduler/scheduleCodec.js';
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
