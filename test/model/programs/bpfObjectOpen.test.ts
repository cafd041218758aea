/**
 * Opening the committed fixtures (examples/bpf, clang 14.0.6 -O2 -g -target bpf):
 * programs by SEC() name, BTF-defined maps, global data, relocations, linked
 * .text subprograms and CO-RE field relocations, pinned.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bpfObjectOpen, findObjectProgram } from '../../../model/programs/bpfObjectOpen.js';
import { btfParse } from '../../../model/programs/btf/btfParse.js';
import { elfRead } from '../../../model/programs/elf/elfRead.js';
import { programInfoOfSection } from '../../../scenarios/format/objectProgram.js';

const bytesOf = (f: string): Uint8Array =>
  new Uint8Array(readFileSync(join(import.meta.dirname, '../../../examples/bpf', f)));
const open = (f: string) => {
  const r = bpfObjectOpen(bytesOf(f));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('bpfObjectOpen on the fixtures', () => {
  it('doc_counter.bpf.o: one tp_btf program, the counters map from BTF, CO-RE task->cgroups->dfl_cgrp', () => {
    const o = open('doc_counter.bpf.o');
    expect(o.license).toBe('GPL');
    expect(o.maps).toEqual([
      { name: 'counters', type: 32, keySize: 4, valueSize: 8, maxEntries: 0, mapFlags: 1 },
    ]);
    const [p] = o.programs;
    expect(p).toMatchObject({
      name: 'count',
      section: 'tp_btf/sys_enter',
      info: { type: 'tracing', attachType: 'trace_raw_tp', attachTo: 'sys_enter', isSleepable: false },
    });
    expect(p!.insns).toHaveLength(13);
    expect([...p!.mapRefs]).toEqual([[4, { map: 'counters', isValue: false, offset: 0 }]]);
    expect(p!.insns[4]).toMatchObject({ code: 0x18, src: 1 }); // BPF_PSEUDO_MAP_FD, as libbpf sets it
    expect([...p!.coreFields]).toEqual([
      [1, { struct: 'task_struct', field: 'cgroups' }],
      [2, { struct: 'css_set', field: 'dfl_cgrp' }],
    ]);
    expect(p!.insns.filter((i) => i.code === 0x85).map((i) => i.imm)).toEqual([158, 210]);
  });

  it('delete_from_program.bpf.o: .text appended after the caller, the call made pc-relative; .bss as an array map', () => {
    const o = open('delete_from_program.bpf.o');
    expect(o.maps.map((m) => [m.name, m.type, m.valueSize])).toEqual([
      ['counters', 32, 8],
      ['.bss', 2, 8],
    ]);
    const count = o.programs.find((p) => p.name === 'count')!;
    expect(count.insns).toHaveLength(12 + 6); // 12 of its own, then bump() from .text
    expect(count.insns[9]).toMatchObject({ code: 0x85, src: 1, imm: 2 }); // 9 + 1 + 2 = 12, bump's first insn
    expect(count.origins[12]).toEqual({ section: '.text', insn: 0 });
    const drop = o.programs.find((p) => p.name === 'drop')!;
    expect(drop.mapRefs.get(8)).toEqual({ map: '.bss', isValue: true, offset: 0 });
  });

  it('deprecated_vs_new.bpf.o: two programs in one section, found by name; the section alone is ambiguous', () => {
    const o = open('deprecated_vs_new.bpf.o');
    expect(o.maps.map((m) => [m.name, m.type, m.keySize])).toEqual([
      ['new', 32, 4],
      ['old', 19, 16],
    ]);
    expect(o.programs.map((p) => [p.name, p.section, p.insns.length])).toEqual([
      ['count_and_drop', 'tp_btf/sys_enter', 18],
      ['skb_count', 'cgroup_skb/egress', 8],
      ['skb_peek', 'cgroup_skb/egress', 7],
    ]);
    expect(findObjectProgram(o, 'tp_btf/sys_enter')).toMatchObject({ name: 'count_and_drop' });
    expect(findObjectProgram(o, 'cgroup_skb/egress')).toBe(
      "section 'cgroup_skb/egress' holds 2 programs (skb_count, skb_peek): name one",
    );
  });

  it('recursion.bpf.o: fentry programs on the storage code', () => {
    const o = open('recursion.bpf.o');
    expect(o.programs.map((p) => [p.name, p.info.attachType, p.info.attachTo])).toEqual([
      ['on_lookup', 'trace_fentry', 'bpf_local_storage_lookup'],
      ['on_update', 'trace_fentry', 'bpf_local_storage_update'],
      ['on_enter', 'trace_raw_tp', 'sys_enter'],
    ]);
  });

  it('reads the ELF and the BTF types itself', () => {
    const elf = elfRead(bytesOf('doc_counter.bpf.o'));
    if (!elf.ok) throw new Error(elf.error.message);
    expect(elf.value.sections.map((s) => s.name)).toContain('.BTF.ext');
    const btf = btfParse(elf.value.sections.find((s) => s.name === '.BTF')!.data);
    const css = btf.types.find((t) => t?.name === 'css_set')!;
    expect(css.members.map((m) => [m.name, m.offset])).toEqual([['dfl_cgrp', 0]]);
    const task = btf.types.find((t) => t?.name === 'task_struct')!;
    expect(task.members.map((m) => [m.name, m.offset])).toEqual([
      ['pid', 0],
      ['cgroups', 64], // bit offset
    ]);
  });
});

describe('programInfoOfSection: the format names of libbpf sections', () => {
  it.each([
    ['tp_btf/sys_enter', { type: 'tp_btf', attach: 'sys_enter', sleepable: false }],
    [
      'fentry.s/bpf_local_storage_update',
      { type: 'fentry', attach: 'bpf_local_storage_update', sleepable: true },
    ],
    ['fexit/inet_stream_connect', { type: 'fexit', attach: 'inet_stream_connect', sleepable: false }],
    ['iter.s/cgroup', { type: 'iter', attach: 'cgroup', sleepable: true }],
    ['cgroup_skb/egress', { type: 'cgroup_skb', attach: 'egress', sleepable: false }],
    ['cgroup/connect6', { type: 'cgroup_sock_addr', attach: 'connect6', sleepable: false }],
    ['sockops', { type: 'sock_ops', attach: 'sock_ops', sleepable: false }],
    ['xdp', undefined],
  ])('%s', (section, info) => {
    expect(programInfoOfSection(section)).toEqual(info);
  });
});
