/**
 * Loading object programs into a scenario: maps bind by name or come from the
 * object's BTF, and the verifier's rules refuse with the kernel's errno and
 * message, naming the object, section and instruction.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { elfRead } from '../../model/programs/elf/elfRead.js';
import { loadScenarioFile } from '../../scenarios/engine/load.js';
import { check } from '../../scenarios/index.js';

const FIXTURES = join(import.meta.dirname, '../../examples/bpf');
const GOOD = new Uint8Array(readFileSync(join(FIXTURES, 'doc_counter.bpf.o')));

/** doc-counter.json with `edit` applied, beside `object.o` (the fixture, or `bytes`). */
function scenario(edit: (def: Record<string, unknown>) => void, bytes: Uint8Array = GOOD): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-bpf-'));
  const def = JSON.parse(readFileSync(join(FIXTURES, 'doc-counter.json'), 'utf8'));
  def.programs = [{ name: 'count', object: 'object.o' }];
  edit(def);
  writeFileSync(join(dir, 's.json'), JSON.stringify(def));
  writeFileSync(join(dir, 'object.o'), bytes);
  return join(dir, 's.json');
}

describe('object programs in a scenario', () => {
  test('a map only the object defines is created from its BTF definition (selftest-recursion declares none)', async () => {
    const def = JSON.parse(readFileSync(join(FIXTURES, 'selftest-recursion.json'), 'utf8'));
    expect(def.maps).toBeUndefined();
    const r = await check(join(FIXTURES, 'selftest-recursion.json'), { seed: '1', runs: 20 });
    expect(r.verdict).toBe('pass');
  });

  test('a scenario map of another type than the object says is refused', async () => {
    const path = scenario((d) => {
      d.maps = [{ name: 'counters', type: 'cgroup_storage', valueSize: 8 }];
      d.actors = (d.actors as { kind: string }[]).filter((a) => a.kind === 'cpu');
      d.check = [];
    });
    await expect(check(path, { runs: 1 })).rejects.toThrow(
      "doc-counter-bpf: maps.counters: object.o: the object's map is of type 32, the scenario's is cgroup_storage",
    );
  });

  test('a tracing program calling bpf_get_local_storage is refused as the verifier does', async () => {
    const elf = elfRead(GOOD);
    if (!elf.ok) throw new Error(elf.error.message);
    const text = elf.value.sections.find((s) => s.name === 'tp_btf/sys_enter')!.data;
    const bytes = GOOD.slice();
    new DataView(bytes.buffer).setInt32(text.byteOffset - GOOD.byteOffset + 8 * 8 + 4, 81, true); // call 210 → 81
    await expect(
      check(
        scenario(() => {}, bytes),
        { runs: 1 },
      ),
    ).rejects.toThrow(
      "doc-counter-bpf: programs.count: object.o: section 'tp_btf/sys_enter': insn 8: load refused (EINVAL): program of this type cannot use helper bpf_get_local_storage#81",
    );
  });

  test('a sleepable program using task->cgroups->dfl_cgrp outside bpf_rcu_read_lock is refused (EACCES)', async () => {
    const def = JSON.parse(readFileSync(join(FIXTURES, 'selftest-yes-rcu-lock.json'), 'utf8'));
    def.programs = [{ name: 'yes_rcu_lock', object: 'sleepable.bpf.o', program: 'no_rcu_lock' }];
    const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-bpf-'));
    writeFileSync(join(dir, 's.json'), JSON.stringify(def));
    writeFileSync(join(dir, 'sleepable.bpf.o'), readFileSync(join(FIXTURES, 'sleepable.bpf.o')));
    await expect(check(join(dir, 's.json'), { runs: 1 })).rejects.toThrow(
      "selftest-yes-rcu-lock-bpf: programs.yes_rcu_lock: sleepable.bpf.o: section 'fentry.s/sys_getpgid': insn 26: load refused (EACCES): R2 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_",
    );
  });

  test('an unknown kfunc is a load error naming it', () => {
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'sleepable.bpf.o')));
    // every copy of the name (.strtab, and .BTF's extern FUNC) becomes bpf_rcu_read_Mock
    let at = Buffer.from(bytes).indexOf('\0bpf_rcu_read_lock\0');
    while (at >= 0) {
      bytes[at + 1 + 'bpf_rcu_read_'.length] = 0x4d;
      at = Buffer.from(bytes).indexOf('\0bpf_rcu_read_lock\0', at + 1);
    }
    const def = JSON.parse(readFileSync(join(FIXTURES, 'selftest-yes-rcu-lock.json'), 'utf8'));
    def.programs = [{ name: 'yes_rcu_lock', object: 'object.o' }];
    const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-bpf-'));
    writeFileSync(join(dir, 'object.o'), bytes);
    writeFileSync(join(dir, 's.json'), JSON.stringify(def));
    expect(loadScenarioFile(join(dir, 's.json'))).toEqual({
      ok: false,
      error: {
        message: `${join(dir, 's.json')}: programs[0].object: object.o: section 'fentry.s/sys_getpgid': insn 2: unsupported instruction (opcode 0x85): unknown kfunc bpf_rcu_read_Mock`,
      },
    });
  });
});
