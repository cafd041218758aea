/** The cli's small pieces: the trace table, the happens-before graph, argv, shell quoting. */
import { alg } from '@dagrejs/graphlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseArgs } from '../../cli/argv.js';
import { withoutFlags } from '../../cli/flags.js';
import { buildHappensBefore } from '../../cli/format/happensBefore.js';
import { fitCell, renderTraceTable, wrapCell } from '../../cli/format/traceTable.js';
import { nextSeed } from '../../cli/resume.js';
import { shellQuote } from '../../cli/shell.js';
import type { TraceRow } from '../../scenarios/engine/result.js';
import { UAF_TRACE } from './fixtures.js';

describe('trace table', () => {
  test('long cells wrap at identifier boundaries in a narrow column; no name is split', () => {
    // 40 columns would leave 16 per task column, but a column keeps its longest
    // name whole: cpu0 needs 20 (bpf_cgrp_storage_get), cpu1 21 (bpf_cgrp_storage_free).
    expect(renderTraceTable(UAF_TRACE, 40)).toEqual([
      'step  cpu0                  cpu1                   rcu',
      '----  --------------------  ---------------------  ----------------',
      '   0  bpf_cgrp_storage_get',
      '      (cg1)',
      '      → e1 linked on cg1',
      '   1                        cgroup_destroy(cg1)',
      '                            → cg1 dying',
      '   2                        bpf_cgrp_storage_free',
      '                            (cg1)',
      '                            → e1 unlinked;',
      '                            call_rcu queued',
      '   3                                               rcu_grace_period',
      '                                                   ()',
      '                                                   → e1 freed',
      '   4  READ_ONCE(e1->data)',
    ]);
  });

  test.each([
    ['lock owner lock of app (1000003)', 12, ['lock owner', 'lock of app', '(1000003)']],
    ['count#2: ld [1000001+0]', 10, ['count#2:', 'ld [', '1000001+0]']],
    ['READ_ONCE(e1->data)', 12, ['READ_ONCE(', 'e1->data)']],
    ['__bpf_local_storage_insert_cache', 16, ['__bpf_local_stor', 'age_insert_cache']],
  ])('wrapCell(%j, %i) breaks between names, never inside one that fits', (text, width, lines) => {
    expect(wrapCell(text, width)).toEqual(lines);
  });

  test('a column narrower than its share keeps its width; the wide ones share the rest', () => {
    // 70 columns: 60 for cells after the step column and gaps; rcu needs 18, cpu0 and cpu1 get 21 each
    expect(renderTraceTable(UAF_TRACE, 70)).toEqual([
      'step  cpu0                   cpu1                   rcu',
      '----  ---------------------  ---------------------  ------------------',
      '   0  bpf_cgrp_storage_get(',
      '      cg1)',
      '      → e1 linked on cg1',
      '   1                         cgroup_destroy(cg1)',
      '                             → cg1 dying',
      '   2                         bpf_cgrp_storage_free',
      '                             (cg1)',
      '                             → e1 unlinked;',
      '                             call_rcu queued',
      '   3                                                rcu_grace_period()',
      '                                                    → e1 freed',
      '   4  READ_ONCE(e1->data)',
    ]);
  });

  test('fitCell pads short text and cuts long text to exactly the width', () => {
    expect(fitCell('abc', 5)).toBe('abc  ');
    expect(fitCell('abcdef', 5)).toBe('abcd…');
  });
});

describe('happens-before graph', () => {
  test('program order and conflicts, transitively reduced', () => {
    const g = buildHappensBefore(UAF_TRACE);
    expect(g.nodes()).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(g.edges().map((e) => `${e.v}->${e.w}:${g.edge(e).kind}`)).toEqual([
      's0->s2:conflict',
      's1->s2:program',
      's2->s3:conflict',
      's3->s4:conflict',
    ]);
  });

  test('two reads of one object do not conflict', () => {
    const read = (index: number, task: number): TraceRow => ({
      index,
      task,
      taskName: `cpu${task}`,
      label: 'READ_ONCE(x)',
      note: '',
      accesses: [{ kind: 'read', obj: 1 }],
      clock: 0,
    });
    expect(buildHappensBefore([read(0, 0), read(1, 1)]).edgeCount()).toBe(0);
  });

  test('on random traces it is acyclic and keeps every ordering of the unreduced relation', () => {
    const rowArb = fc.record({
      task: fc.integer({ min: 0, max: 2 }),
      kind: fc.constantFrom('read', 'write', 'acquire', 'release'),
      obj: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 12 }), (rows) => {
        const trace: TraceRow[] = rows.map((r, index) => ({
          index,
          task: r.task,
          taskName: `t${r.task}`,
          label: `${r.kind} ${r.obj}`,
          note: '',
          accesses: [{ kind: r.kind, obj: r.obj }],
          clock: index,
        }));
        const g = buildHappensBefore(trace);
        expect(alg.isAcyclic(g)).toBe(true);
        const reach = (from: string, to: string): boolean => alg.dijkstra(g, from)[to]!.distance < Infinity;
        trace.forEach((b, j) => {
          for (let i = 0; i < j; i++) {
            const a = trace[i]!;
            const conflict =
              a.accesses[0]!.obj === b.accesses[0]!.obj &&
              (a.accesses[0]!.kind !== 'read' || b.accesses[0]!.kind !== 'read');
            if (a.task === b.task || conflict) expect(reach(`s${i}`, `s${j}`)).toBe(true);
          }
        });
      }),
    );
  });
});

describe('argv', () => {
  const specs = [
    { name: 'seed', takesValue: true },
    { name: 'json', takesValue: false },
    { name: 'set', takesValue: true, isRepeatable: true },
  ];
  test('values, booleans, repeats and -- in order', () => {
    const args = parseArgs(
      'check',
      ['x', '--seed=1', '--set', 'a=1', '--json', '--set', 'b=2', '--', '--y'],
      specs,
      new Set(),
    );
    expect(args.positionals).toEqual(['x', '--y']);
    expect([...args.flags]).toEqual([
      ['seed', ['1']],
      ['set', ['a=1', 'b=2']],
      ['json', ['']],
    ]);
  });

  test('a negative number is a value, not a flag', () => {
    expect(parseArgs('check', ['--seed', '-3'], specs, new Set()).flags.get('seed')).toEqual(['-3']);
  });

  test('withoutFlags drops both spellings of a flag and its value', () => {
    expect(withoutFlags(['x', '--seed', '1', '--json', '--seed=2', '--set', 'a=1'], ['seed'], specs)).toEqual(
      ['x', '--json', '--set', 'a=1'],
    );
  });
});

describe('shell', () => {
  test('quotes only what needs it', () => {
    expect(shellQuote('cgrp1.abc_-:=/+')).toBe('cgrp1.abc_-:=/+');
    expect(shellQuote("it's a token")).toBe(`'it'\\''s a token'`);
    expect(shellQuote('')).toBe("''");
  });

  test('nextSeed increments integers and suffixes the rest', () => {
    expect(nextSeed('1764034000000')).toBe('1764034000001');
    expect(nextSeed('99999999999999999999')).toBe('100000000000000000000');
    expect(nextSeed('ci-run')).toBe('ci-run.2');
  });
});
