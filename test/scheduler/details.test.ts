/**
 * Cases the mutants of pct, the token codec, bounded, traces and the footprint
 * audits showed untested: each pins a behaviour the code has on purpose.
 */
import { describe, expect, it } from 'vitest';
import { createBoundedStrategy } from '../../scheduler/bounded.js';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { explore } from '../../scheduler/explore.js';
import { auditCommutation, auditFootprints, type FootprintFinding } from '../../scheduler/footprintAudit.js';
import { createPctStrategy } from '../../scheduler/pct.js';
import { createReplayStrategy } from '../../scheduler/replay.js';
import { decodeToken, encodeToken, hashContent, type ReplayToken } from '../../scheduler/scheduleCodec.js';
import type { SchedulerView } from '../../scheduler/strategy.js';
import type { TaskId } from '../../scheduler/task.js';
import { formatTrace, TraceRecorder } from '../../scheduler/trace.js';
import { at, choice, local, type Op, program, set } from './programs.js';

const ids = (...xs: number[]) => xs as TaskId[];

describe('pct without beginExecution', () => {
  it('a first execution not begun explicitly is execution 0', () => {
    const view: SchedulerView = { tasks: Array(4).fill({}) as never, now: () => 0, steps: () => 0 };
    const picks = (isBegun: boolean) => {
      const s = createPctStrategy({ depth: 2, maxStepsEstimate: 5 }, 'q');
      if (isBegun) s.beginExecution(0);
      return [s.nextTask(ids(0, 1, 2, 3), undefined, view), s.nextTask(ids(0, 1, 3), undefined, view)];
    };
    expect(picks(true)).toEqual([1, 1]); // seed q gives task 1 the highest priority
    expect(picks(false)).toEqual(picks(true));
  });
});

describe('token codec details', () => {
  const base: ReplayToken = {
    scenarioId: 's',
    scenarioHash: 'h',
    modelOptions: {},
    strategy: 'dfs',
    seed: '',
    executionIndex: 0,
    choices: [],
  };
  const checksum16 = (bytes: readonly number[]): number => {
    let h = 0x811c9dc5;
    for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return (h ^ (h >>> 16)) & 0xffff;
  };
  const forge = (body: readonly number[]): string => {
    const sum = checksum16(body);
    return `cgrp1:${Buffer.from([...body, sum >> 8, sum & 0xff]).toString('base64url')}`;
  };
  const error = (token: string) => {
    const r = decodeToken(token);
    return r.ok ? 'ok' : r.error;
  };
  const REST = [1, 104, 0, 3, 100, 102, 115, 0, 0, 0]; // hash 'h', no options, 'dfs', '', index 0, no choices

  it('hashContent keeps leading zeros: 16 hex digits', () => {
    expect(hashContent('k0')).toBe('08be0e07b562230e');
  });

  it('a 9-byte varint (8 continuation bytes) still decodes', () => {
    expect(decodeToken(forge([...Array(8).fill(0x80), 0, ...REST]))).toEqual({
      ok: true,
      value: { ...base, scenarioId: '' },
    });
  });

  it('a string cut inside a UTF-8 sequence ends early; invalid UTF-8 is malformed', () => {
    expect(error(forge([3, 0xe2, 0x82]))).toBe('token is malformed: token ends early');
    expect(error(forge([1, 0xff, ...REST]))).toBe(
      'token is malformed: The encoded data was not valid for encoding utf-8',
    );
  });

  it('an empty payload is malformed, not truncated: only the checksum is there', () => {
    expect(error(forge([]))).toBe('token is malformed: token ends early');
  });

  it('option value 0 is a non-negative integer (tag 1)', () => {
    const body = [...Buffer.from(encodeToken({ ...base, modelOptions: { z: 0 } }).slice(6), 'base64url')];
    expect(body.slice(4, 9)).toEqual([1, 1, 122, 1, 0]);
  });

  it('the whole string must be one token: no prefix, no suffix; a two-digit version is read as such', () => {
    const good = encodeToken(base);
    expect(error(`x${good}`)).toBe('not a cgrpcheck replay token (expected cgrp1:<base64url>)');
    expect(error(`${good}!`)).toBe('not a cgrpcheck replay token (expected cgrp1:<base64url>)');
    expect(error(good.replace('cgrp1:', 'cgrp12:'))).toBe(
      'token format version 12 is not supported (this build reads 1)',
    );
  });
});

describe('bounded details', () => {
  const view = { tasks: [], now: () => 0, steps: () => 0 };

  it('the nondeterminism error lists every runnable task', () => {
    const s = createBoundedStrategy({ maxPreemptions: 1 });
    s.beginExecution(0);
    s.nextTask(ids(0, 1), undefined, view);
    s.nextTask(ids(0, 1), 0 as TaskId, view);
    s.nextTask(ids(1), undefined, view);
    s.endExecution({ status: 'finished', violation: undefined, steps: 3, preemptions: 0, clockAdvances: 0 });
    s.beginExecution(1);
    s.nextTask(ids(0, 1), undefined, view);
    s.endExecution({ status: 'finished', violation: undefined, steps: 1, preemptions: 0, clockAdvances: 0 });
    s.beginExecution(2);
    expect(() => s.nextTask(ids(1, 2), undefined, view)).toThrow(
      'nondeterministic execution: prefix picks task 0; runnable = [1, 2]',
    );
  });

  it('a data choice right after a frontier prefix is a fresh decision; info is a snapshot', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [local(), local()] },
        { name: 'B', ops: [choice(2)] },
      ],
    });
    const s = createBoundedStrategy({ maxPreemptions: 1 });
    const first = s.info();
    const seen: (readonly number[])[] = [];
    explore(f, s, { onExecutionEnd: (e) => seen.push(e.choices) });
    expect(seen).toEqual([
      [0, 0, 1, 0],
      [0, 0, 1, 1],
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 1, 1, 0],
    ]);
    expect([first.name === 'bounded' && first.perBound, s.info()]).toEqual([
      [0],
      { name: 'bounded', maxPreemptions: 1, perBound: [4, 2] },
    ]);
  });
});

describe('trace details', () => {
  it('a step without a note has no note field; several choices are comma-separated', () => {
    const rec = new TraceRecorder();
    rec.onChoice(4, 1, true);
    rec.onChoice(4, 3, true);
    rec.onStep(0 as TaskId, 'pick', 0, { tasks: [{ name: 'A' }] } as never);
    expect('note' in rec.steps[0]!).toBe(false);
    expect(formatTrace(rec.steps)).toBe('#0 t=0 A: pick [choices 1,3]');
  });
});

describe('footprint audit details', () => {
  it('an inner strategy that abandons is passed through', () => {
    const found: FootprintFinding[] = [];
    const r = explore(
      program({ tasks: [{ name: 'A', ops: [local()] }] }),
      auditFootprints(createReplayStrategy([5]), (f) => found.push(f)),
    );
    expect([r.abandoned, found]).toEqual([1, []]);
  });

  it("a step that changes its own task's enabledness is no finding", () => {
    const hiddenWait: Op = { label: 'wait(x>=1)', reads: [], writes: [], isReady: (s) => s.get('x') >= 1 };
    const found: FootprintFinding[] = [];
    explore(
      program({ tasks: [{ name: 'A', ops: [local(), hiddenWait] }] }),
      auditFootprints(createDfsStrategy(), (f) => found.push(f)),
      { onlyInvariant: '\u0000none' },
    );
    expect(found).toEqual([]);
  });

  const hidden = (v: number): Op => ({ ...set('x', v), writes: [] });
  const lastWriter = {
    checkEnd: (st: { get(n: string): number }) => ({ invariant: `last-${st.get('x')}`, message: 'x' }),
  };

  it('the outcome names the invariant, and later steps of task 0 are spelled 0:label', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [hidden(1), local()] },
        { name: 'B', ops: [hidden(2)] },
      ],
      ...lastWriter,
    });
    expect(auditCommutation(f, [0, 1, 0])).toEqual([
      { at: 0, first: 'write(x=1)', second: 'write(x=2)', difference: '0:local => violated last-1' },
    ]);
  });

  it('steps of one task, and steps that declare a conflict, are never swapped', () => {
    const f = program({
      tasks: [
        {
          name: 'A',
          ops: [
            { ...choice(2), run: (s, _l, ch) => s.vars.set('x', 10 * s.get('x') + ch(2)) },
            { ...choice(2), run: (s, _l, ch) => s.vars.set('x', 10 * s.get('x') + ch(2)) },
          ],
        },
      ],
      ...lastWriter,
    });
    expect(auditCommutation(f, [0, 1, 0, 0])).toEqual([]);
    const g = program({
      tasks: [
        { name: 'A', ops: [set('x', 1)] },
        { name: 'B', ops: [set('x', 2)] },
      ],
      ...lastWriter,
    });
    expect(auditCommutation(g, [0, 1])).toEqual([]);
  });
});

describe('commutation audit: which pairs it tries', () => {
  const hidden = (v: number): Op => ({ ...set('x', v), writes: [] });
  const lastIs = (v: number) => ({
    checkEnd: (st: { get(n: string): number }) =>
      st.get('x') === v ? { invariant: 'last-writer', message: `x = ${v}` } : undefined,
  });

  it('a clock advance is never half of a pair, so it spends none of maxPairs', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [at(5, hidden(1))] },
        { name: 'B', ops: [at(5, hidden(2))] },
      ],
      ...lastIs(2),
    });
    // @5 A B: the only pair is (A, B)
    expect(auditCommutation(f, [0, 1], 1)).toHaveLength(1);
    const g = program({
      tasks: [
        { name: 'A', ops: [hidden(1)] },
        { name: 'B', ops: [at(5, hidden(2))] },
        { name: 'C', ops: [at(5, hidden(3))] },
      ],
      ...lastIs(3),
    });
    // A @5 B C: (A, @5) and (@5, B) are skipped; (B, C) is the first pair
    expect(auditCommutation(g, [0, 1, 2], 1)).toEqual([
      { at: 2, first: 'write(x=2)@5', second: 'write(x=3)@5', difference: ' => finished' },
    ]);
  });

  it('maxPairs counts the pairs tried: 1 stops after the first of two findings', () => {
    // each step appends its digit to x without declaring the write: every swap changes x
    const digit = (v: number): Op => ({
      label: `x=10x+${v}`,
      reads: [],
      writes: [],
      run: (st) => {
        st.vars.set('x', 10 * st.get('x') + v);
      },
    });
    const f = program({
      tasks: [
        { name: 'A', ops: [digit(1)] },
        { name: 'B', ops: [digit(2)] },
        { name: 'C', ops: [digit(3)] },
      ],
      checkEnd: (st) => ({ invariant: `x-${st.get('x')}`, message: 'x' }),
    });
    expect(auditCommutation(f, [0, 1, 2]).length).toBe(2);
    expect(auditCommutation(f, [0, 1, 2], 1).length).toBe(1);
  });
});
