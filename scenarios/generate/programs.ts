/**
 * The program menu generated scenarios pick from: small BPF programs that each
 * exercise one thing cgroup storage does, in the model's assembly syntax
 * (model/programs/bpfProgramParse.ts). Menu order is shrink order: simplest first.
 */
import type { ProgramType } from '../format/types.js';

/** The NEW map (BPF_MAP_TYPE_CGRP_STORAGE) every generated scenario declares. */
export const COUNTERS_MAP = 'counters';
/** The deprecated map (BPF_MAP_TYPE_CGROUP_STORAGE), declared only when a program uses it. */
export const OLD_MAP = 'old';

/** A program a cpu actor may run: a menu entry or a user's own. */
export interface GeneratedProgram {
  readonly name: string;
  /** @defaultValue 'tp_btf' */
  readonly type?: ProgramType;
  /** BTF target or, for cgroup program types, the attach point. @defaultValue 'sys_enter' */
  readonly attach?: string;
  /**
   * The instructions. A function receives the `counters` slot that holds the
   * counter: 1 when the map's value starts with a bpf_spin_lock, else 0.
   */
  readonly insns: readonly string[] | ((slot: number) => readonly string[]);
  /** The program needs a bpf_spin_lock at the start of `counters`' value. */
  readonly needsSpinLock?: boolean;
}

const getCreate = `call get map=${COUNTERS_MAP} cg=current flags=F_CREATE`;

/** Names of the built-in programs, simplest first. */
export const PROGRAM_MENU_NAMES = [
  'atomic-count',
  'racy-count',
  'peek',
  'delete',
  'get-init',
  'locked-count',
  'old-count',
] as const;
export type ProgramMenuName = (typeof PROGRAM_MENU_NAMES)[number];

/** The built-in programs by name; each comment gives the C it models. */
export const PROGRAM_MENU: Readonly<Record<ProgramMenuName, GeneratedProgram>> = {
  /** `p = bpf_cgrp_storage_get(&counters, cg, 0, F_CREATE); if (p) __sync_fetch_and_add(p, 1);` */
  'atomic-count': {
    name: 'atomic-count',
    insns: (s) => [getCreate, 'jnull r0 out', `atomic_add [r0+${s}] 1`, 'out:', 'exit 0'],
  },
  /** The same counter as `*p += 1`: a load, an add and a store that another CPU can split. */
  'racy-count': {
    name: 'racy-count',
    insns: (s) => [
      getCreate,
      'jnull r0 out',
      `ld r1 [r0+${s}]`,
      'add r1 1',
      `st [r0+${s}] r1`,
      'out:',
      'exit 0',
    ],
  },
  /** `p = bpf_cgrp_storage_get(&counters, cg, 0, 0); if (p) v = *p;` — never creates. */
  peek: {
    name: 'peek',
    insns: (s) => [
      `call get map=${COUNTERS_MAP} cg=current`,
      'jnull r0 out',
      `ld r1 [r0+${s}]`,
      'out:',
      'exit 0',
    ],
  },
  /** `bpf_cgrp_storage_delete(&counters, cg);` */
  delete: { name: 'delete', insns: [`call delete map=${COUNTERS_MAP} cg=current`, 'exit 0'] },
  /** `p = bpf_cgrp_storage_get(&counters, cg, &init, F_CREATE)` with init = 5, then an atomic add. */
  'get-init': {
    name: 'get-init',
    insns: (s) => [
      `${getCreate} init=${s === 0 ? '5' : '0,5'}`,
      'jnull r0 out',
      `atomic_add [r0+${s}] 1`,
      'out:',
      'exit 0',
    ],
  },
  /** `bpf_spin_lock(&p->lock); p->n += 1; bpf_spin_unlock(&p->lock);` — safe without an atomic. */
  'locked-count': {
    name: 'locked-count',
    needsSpinLock: true,
    insns: (s) => [
      getCreate,
      'jnull r0 out',
      'mov r6 r0',
      'call spin_lock [r6+0]',
      `ld r1 [r6+${s}]`,
      'add r1 1',
      `st [r6+${s}] r1`,
      'call spin_unlock [r6+0]',
      'out:',
      'exit 0',
    ],
  },
  /** cgroup_skb/egress: `__sync_fetch_and_add(bpf_get_local_storage(&old, 0), 1); return 1;` */
  'old-count': {
    name: 'old-count',
    type: 'cgroup_skb',
    attach: 'egress',
    insns: [`call get_local_storage map=${OLD_MAP}`, 'atomic_add [r0+0] 1', 'exit 1'],
  },
};

/** The instructions of `p` for a `counters` value whose counter is at `slot`. */
export function insnsOf(p: GeneratedProgram, slot: number): readonly string[] {
  return typeof p.insns === 'function' ? p.insns(slot) : p.insns;
}

/** Names of the maps `insns` use, in first-use order. */
export function mapsUsedBy(insns: readonly string[]): string[] {
  const out: string[] = [];
  for (const insn of insns)
    for (const m of insn.matchAll(/(?:^|\s)map=([^\s,]+)/g)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}
