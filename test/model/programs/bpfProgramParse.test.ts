import { describe, expect, it } from 'vitest';
import type { MapId } from '../../../model/core/ids.js';
import { parseInsns, parseProgram } from '../../../model/programs/bpfProgramParse.js';
import { hookOf, parseSection } from '../../../model/programs/bpfProgramSection.js';

describe('parseInsns: the textual instruction form', () => {
  it('parses the counter example, appending the implicit `exit 0` its `jnull r0 exit` names', () => {
    const r = parseInsns([
      'call get map=counters cg=current flags=F_CREATE',
      'jnull r0 exit',
      'atomic_add [r0+0] 1',
      'exit 0',
    ]);
    expect(r).toEqual({
      ok: true,
      value: [
        { op: 'call', helper: 'cgrp_storage_get', map: 'counters', cg: 'current', flags: 1 },
        { op: 'jmp', cond: 'null', reg: 0, target: 4 },
        { op: 'atomic_add', mem: { reg: 0, slot: 0 }, src: { imm: 1 } },
        { op: 'exit', imm: 0 },
        { op: 'exit', imm: 0 },
      ],
    });
  });

  it('resolves labels and relative targets; label lines are not instructions', () => {
    const r = parseInsns(['jeq r1 0x10 +1', 'mov r0 r1', 'out:', 'ja out', 'exit']);
    expect(r).toEqual({
      ok: true,
      value: [
        { op: 'jmp', cond: 'eq', reg: 1, src: { imm: 16 }, target: 2 },
        { op: 'mov', dst: 0, src: { reg: 1 } },
        { op: 'jmp', cond: 'always', target: 2 },
        { op: 'exit' },
      ],
    });
  });

  it('parses the non-atomic add as ld / add / st, and every helper form', () => {
    const r = parseInsns([
      'ld r1 [r0+2]',
      'add r1 1',
      'st [r0+2] r1',
      'st [data+0] -5',
      'ldctx r2 local_port',
      'lsh r2 8',
      'cgid r3 cg=ctx',
      'call get_local_storage map=cs',
      'call cgrp_storage_delete map=m cg=acquired_cgroup1',
      'call cgrp_storage_get map=m cg=null flags=0 init=7,8',
      'call spin_lock [r0+1]',
      'call spin_unlock [r0+1]',
      'call rcu_read_lock',
      'call rcu_read_unlock',
      'tail_call 0',
      'exit',
    ]);
    expect(r.ok && r.value.map((i) => i.op)).toEqual([
      'ld',
      'alu',
      'st',
      'st',
      'ldctx',
      'alu',
      'cgid',
      'call',
      'call',
      'call',
      'call',
      'call',
      'call',
      'call',
      'tail_call',
      'exit',
    ]);
    expect(r.ok && r.value[9]).toEqual({
      op: 'call',
      helper: 'cgrp_storage_get',
      map: 'm',
      cg: 'null',
      flags: 0,
      init: [7, 8],
    });
    expect(r.ok && r.value[3]).toEqual({ op: 'st', mem: { data: true, slot: 0 }, src: { imm: -5 } });
  });

  it.each([
    [['mov r0 1', 'frob r1'], 1, "'frob r1': unknown instruction 'frob'"],
    [['mov r11 1'], 0, "'mov r11 1': expected a register r0..r10, got 'r11'"],
    [['exit', 'ja nowhere'], 1, "'ja nowhere': unknown label 'nowhere'"],
    [['call get cg=current'], 0, "'call get cg=current': call get: missing map="],
    [
      ['call get map=m cg=task_btf'],
      0,
      "'call get map=m cg=task_btf': cg must be one of current|ctx|acquired_cgroup1|task|null, got 'task_btf'",
    ],
    [['x:', 'ld r0 [r1]x'], 1, "'ld r0 [r1]x': expected [rN+slot] or [data+slot], got '[r1]x'"],
  ])('reports %j at string index %i', (lines, index, message) => {
    expect(parseInsns(lines)).toEqual({ ok: false, index, message });
  });
});

describe('parseProgram and sections', () => {
  const maps = { m: 1 as MapId };

  it('derives type, attach type, target and sleepable from the section', () => {
    const r = parseProgram({ name: 'p', section: 'fentry.s/sys_getpgid', insns: ['exit 0'] }, { maps });
    expect(r.ok && { ...r.value, insns: undefined }).toEqual({
      name: 'p',
      type: 'tracing',
      attachType: 'trace_fentry',
      attachTo: 'sys_getpgid',
      isSleepable: true,
      maps,
      insns: undefined,
    });
  });

  it('reports an unknown section at index -1', () => {
    expect(parseProgram({ name: 'p', section: 'xdp', insns: ['exit'] }, { maps })).toEqual({
      ok: false,
      index: -1,
      message: "unknown section 'xdp'",
    });
  });

  it.each([
    ['cgroup_skb/egress/1', 'cgroup_skb', 'cgroup_inet_egress', false],
    ['cgroup/connect6', 'cgroup_sock_addr', 'cgroup_inet6_connect', false],
    ['sockops', 'sock_ops', 'cgroup_sock_ops', false],
    ['iter.s/cgroup', 'tracing', 'trace_iter', true],
    ['lsm_cgroup/socket_bind', 'lsm', 'lsm_cgroup', false],
    ['tp_btf/sys_enter', 'tracing', 'trace_raw_tp', false],
  ])('section %s is %s / %s, sleepable %s', (section, type, attachType, isSleepable) => {
    expect(parseSection(section)).toMatchObject({ type, attachType, isSleepable });
  });

  it('names the hook a tracing program attaches to', () => {
    expect(hookOf(parseSection('fentry/bpf_local_storage_update')!)).toBe('fentry/bpf_local_storage_update');
    expect(hookOf(parseSection('tp_btf/sys_enter')!)).toBe('tp_btf/sys_enter');
  });
});

describe('labels', () => {
  it('a label may prefix its instruction: `out: exit 0` is `out:` then `exit 0`', () => {
    const alone = parseInsns(['jnull r0 out', 'mov r1 1', 'out:', 'exit 0']);
    const prefixed = parseInsns(['jnull r0 out', 'mov r1 1', 'out: exit 0']);
    expect(prefixed).toEqual(alone);
    expect(prefixed.ok && prefixed.value[0]).toEqual({ op: 'jmp', cond: 'null', reg: 0, target: 2 });
  });
});
