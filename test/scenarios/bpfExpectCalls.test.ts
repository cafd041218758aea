/**
 * `expectCalls` on an object program: a storage helper call is named by its eBPF
 * instruction index, its result comes through the kernel's onHelperReturn hook as
 * an instruction-language program's does, and is checked as helper-result.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { check } from '../../scenarios/index.js';

const FIXTURES = join(import.meta.dirname, '../../examples/bpf');

/** A catalogue scenario of examples/bpf with `edit` applied, beside a copy of its object files. */
function scenario(
  name: string,
  objects: readonly string[],
  edit: (def: Record<string, unknown>) => void,
): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-bpf-calls-'));
  const def = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
  delete def.$schema;
  edit(def);
  writeFileSync(join(dir, 's.json'), JSON.stringify(def));
  for (const o of objects) writeFileSync(join(dir, o), readFileSync(join(FIXTURES, o)));
  return join(dir, 's.json');
}

type Programs = { expectCalls?: unknown }[];
const expectOn = (index: number, calls: unknown) => (d: Record<string, unknown>) => {
  (d.programs as Programs)[index]!.expectCalls = calls;
};

describe('expectCalls on object programs', () => {
  // doc_counter.bpf.o, count: insn 8 is `call bpf_cgrp_storage_get#210` (llvm-objdump -d)
  test('doc-counter: F_CREATE gives a pointer, or NULL to the CPU that loses the race to create the first element', async () => {
    // bpf_local_storage_update(..., BPF_NOEXIST) finds the winner's element: -EEXIST, and the helper returns NULL
    const path = scenario(
      'doc-counter',
      ['doc_counter.bpf.o'],
      expectOn(0, [{ insn: 8, expect: { reachable: ['pointer', 'NULL'] } }]),
    );
    const r = await check(path, { seed: 'ci', runs: 50 });
    expect([r.verdict, r.unreached]).toEqual(['pass', []]);
  });

  test('expecting a pointer every time is a helper-result violation naming the program, instruction and object', async () => {
    const path = scenario('doc-counter', ['doc_counter.bpf.o'], (d) => {
      expectOn(0, [{ insn: 8, expect: 'pointer' }])(d);
      d.expect = 'helper-result';
    });
    const r = await check(path, { seed: 'ci', runs: 50 });
    expect([r.expect, r.violation?.invariant, r.violation?.message]).toEqual([
      'helper-result',
      'helper-result',
      // which CPU loses the race depends on the order the search explores schedules in
      expect.stringMatching(
        /^cpu[01]: count insn 8 \(doc_counter\.bpf\.o\) returned NULL; the scenario expects pointer$/,
      ),
    ]);
  });

  test('delete-from-program: the delete racing a create returns 0 or -ENOENT, both reached', async () => {
    const path = scenario(
      'delete-from-program',
      ['delete_from_program.bpf.o'],
      expectOn(1, [{ insn: 5, expect: { reachable: [0, '-ENOENT'] } }]),
    );
    const r = await check(path, { seed: 'ci', runs: 300 });
    expect([r.verdict, r.unreached]).toEqual(['pass', []]);
  });

  test('an index that is not a storage helper call is refused, naming the calls there are', async () => {
    const path = scenario(
      'doc-counter',
      ['doc_counter.bpf.o'],
      expectOn(0, [{ insn: 7, expect: 'pointer' }]),
    );
    await expect(check(path, { runs: 1 })).rejects.toThrow(
      "programs[0].expectCalls[0].insn: instruction 7 of doc_counter.bpf.o program 'count' is not a storage helper call (those are at 8)",
    );
  });
});
