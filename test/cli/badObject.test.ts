/**
 * Bad BPF objects: `check` on a scenario naming one exits 2 with exactly one
 * line that names the scenario file, the object, the section and the
 * instruction index where there is one (no stack trace).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { elfRead } from '../../model/programs/elf/elfRead.js';
import { loadScenarioFile } from '../../scenarios/engine/load.js';

const BIN = join(import.meta.dirname, '../../dist/cli/main.js');
const FIXTURES = join(import.meta.dirname, '../../examples/bpf');
const GOOD = new Uint8Array(readFileSync(join(FIXTURES, 'doc_counter.bpf.o')));

/** The file offset and size of a section of the good object. */
function sectionAt(name: string): { at: number; size: number } {
  const r = elfRead(GOOD);
  if (!r.ok) throw new Error(r.error.message);
  const s = r.value.sections.find((x) => x.name === name)!;
  return { at: s.data.byteOffset - GOOD.byteOffset, size: s.data.length };
}

/** The good object with `edit` applied to a copy of its bytes. */
function mutated(edit: (b: Uint8Array, v: DataView) => void): Uint8Array {
  const b = GOOD.slice();
  edit(b, new DataView(b.buffer));
  return b;
}

/** The doc-counter scenario naming `object.o` (program `program`) in a fresh folder; returns its path. */
function scenarioWith(bytes: Uint8Array | undefined, program = 'count'): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-bpf-'));
  const def = JSON.parse(readFileSync(join(FIXTURES, 'doc-counter.json'), 'utf8'));
  def.programs = [{ name: 'count', object: 'object.o', program }];
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(def));
  if (bytes === undefined) copyFileSync(join(FIXTURES, 'doc_counter.bpf.o'), join(dir, 'object.o'));
  else writeFileSync(join(dir, 'object.o'), bytes);
  return join(dir, 'bad.json');
}

const text = sectionAt('tp_btf/sys_enter');
const rel = sectionAt('.reltp_btf/sys_enter');
const btf = sectionAt('.BTF');

/** Byte offset in .BTF of the string `s` (its string section follows the types). */
const btfString = (s: string): number =>
  Buffer.from(GOOD.subarray(btf.at, btf.at + btf.size)).indexOf(`\0${s}\0`) + 1;

const CASES: readonly [string, Uint8Array | undefined, string, string?][] = [
  [
    'not ELF',
    new TextEncoder().encode('#!/bin/sh\necho not an object\n'),
    'object.o: not an ELF file (no \\x7fELF magic)',
  ],
  [
    'not BPF (x86-64)',
    mutated((_, v) => v.setUint16(18, 62, true)),
    'object.o: not a BPF object (e_machine 62, expected EM_BPF 247)',
  ],
  [
    'big-endian',
    mutated((b) => {
      b[5] = 2;
    }),
    'object.o: big-endian ELF (EI_DATA 2): only little-endian BPF objects are supported',
  ],
  [
    'truncated',
    GOOD.slice(0, 4096),
    `object.o: truncated: section header 0 at byte ${new DataView(GOOD.buffer).getUint32(0x28, true)} (+64) is past the end of the 4096-byte file`,
  ],
  [
    'missing section (.symtab)',
    mutated((_, v) => {
      const r = elfRead(GOOD);
      if (!r.ok) return;
      const i = r.value.sections.findIndex((s) => s.name === '.symtab');
      v.setUint32(Number(v.getBigUint64(0x28, true)) + i * 64 + 4, 0, true);
    }),
    'object.o: missing section: no .symtab',
  ],
  [
    'missing symbol (program)',
    undefined,
    "object.o: missing symbol: no program 'nope' (the object has count (tp_btf/sys_enter))",
    'nope',
  ],
  [
    'unsupported instruction',
    mutated((b) => {
      b[text.at + 10 * 8] = 0xff;
    }),
    "object.o: section 'tp_btf/sys_enter': insn 10: unsupported instruction (opcode 0xff): unknown ALU operation 0xf0",
  ],
  [
    'relocation to nothing',
    mutated((_, v) => {
      v.setUint32(rel.at + 12, 0, true);
    }),
    "object.o: section 'tp_btf/sys_enter': insn 4: relocation to nothing: undefined symbol '#0'",
  ],
  [
    'unknown BTF kind',
    mutated((_, v) => {
      const hdr = v.getUint32(btf.at + 4, true);
      const first = btf.at + hdr + v.getUint32(btf.at + 8, true);
      v.setUint32(first + 4, 31 << 24, true);
    }),
    "object.o: section '.BTF': unknown BTF kind 31 (type id 1)",
  ],
  [
    'CO-RE field the model lacks',
    mutated((b) => {
      b[btf.at + btfString('dfl_cgrp') + 7] = 0x58;
    }),
    "object.o: section 'tp_btf/sys_enter': insn 2: CO-RE field css_set.dfl_cgrX is not in the model",
  ],
];

/** `cgrpcheck check <path>` through the built binary (dist/, built by `npm test` before vitest). */
function check(path: string) {
  const r = spawnSync(process.execPath, [BIN, 'check', path, '--runs', '1', '--workers', '1'], {
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('check on a scenario with a bad BPF object', () => {
  test.each(CASES)('%s: exit 2, one line', (_name, bytes, message, program) => {
    const path = scenarioWith(bytes, program);
    const loaded = loadScenarioFile(path);
    expect(loaded).toEqual({ ok: false, error: { message: `${path}: programs[0].object: ${message}` } });
    expect(check(path)).toEqual({
      code: 2,
      out: '',
      err: `cgrpcheck: ${path}: programs[0].object: ${message}\n`,
    });
  });

  test('an unknown helper is refused at load, naming it', () => {
    // insn 8 is `call 210` (bpf_cgrp_storage_get): make it helper 1, bpf_map_lookup_elem
    const path = scenarioWith(mutated((_, v) => v.setInt32(text.at + 8 * 8 + 4, 1, true)));
    expect(check(path)).toEqual({
      code: 2,
      out: '',
      err: `cgrpcheck: ${path}: programs[0].object: object.o: section 'tp_btf/sys_enter': insn 8: unsupported instruction (opcode 0x85): unknown helper bpf_map_lookup_elem#1 (the model does not run it)\n`,
    });
  });
});
