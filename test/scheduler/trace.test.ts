import { describe, expect, it } from 'vitest';
import { replay } from '../../scheduler/replay.js';
import { formatTrace, TraceRecorder } from '../../scheduler/trace.js';
import { at, choice, local, program } from './programs.js';

describe('traces', () => {
  it('a step lists the data choices made inside it; the world’s choices are kept apart', () => {
    const rec = new TraceRecorder();
    rec.onChoice(3, 2, false);
    rec.onChoice(4, 1, true);
    rec.onChoice(4, 3, true);
    const execution = {
      tasks: [{ name: 'A' }],
      checkStep: () => undefined,
      checkEnd: () => undefined,
    } as never;
    rec.onStep(0 as never, 'choose', 5, execution);
    rec.onStep(0 as never, 'local', 5, execution);
    expect(rec.initialChoices).toEqual([2]);
    expect(rec.steps).toEqual([
      { step: 0, task: 0, taskName: 'A', label: 'choose', clock: 5, choices: [1, 3] },
      { step: 1, task: 0, taskName: 'A', label: 'local', clock: 5, choices: [] },
    ]);
  });

  it('formatTrace: one line per step with its time, choices and note', () => {
    const f = program({
      initial: { x: 0 },
      tasks: [
        { name: 'A', ops: [choice(3)] },
        { name: 'B', ops: [at(4, local('nap'))] },
      ],
    });
    const r = replay(f, [0, 2, 1]);
    expect(formatTrace(r.trace)).toBe(
      ['#0 t=0 A: choose(3) [choices 2] — x=0', '#1 t=4 B: nap@4 — x=0'].join('\n'),
    );
    expect(
      formatTrace([{ step: 3, task: 0 as never, taskName: 'A', label: 'x', clock: 1, choices: [] }]),
    ).toBe('#3 t=1 A: x');
    expect(formatTrace([])).toBe('');
  });
});
