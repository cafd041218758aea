/**
 * Program entries that name a compiled BPF object instead of instructions:
 * `{ "name": "count", "object": "bpf/doc_counter.bpf.o", "program": "count" }`.
 * The object is opened by whoever loads the file (scenarios/engine/objectFiles.ts)
 * and handed in as a resolver, so this reader stays pure; the program's type,
 * attach point and sleepable flag come from its ELF section, as libbpf decides them.
 */

import { at, type Issue, idx } from './paths.js';
import type { ProgramDef, ProgramType } from './types.js';

/** What a program's section decides, in the format's names. */
export interface ObjectProgramInfo {
  readonly type: ProgramType;
  readonly attach: string;
  readonly sleepable: boolean;
}

/** Opens `object` (as written) and finds `program` (a function or section name); a string is the error. */
export type ObjectProgramResolver = (object: string, program: string) => ObjectProgramInfo | string;

const TARGETED: readonly ProgramType[] = ['tp_btf', 'fentry', 'fexit', 'kprobe', 'iter', 'lsm', 'lsm_cgroup'];
const CGROUP_SECTIONS: Readonly<Record<string, readonly [ProgramType, string]>> = {
  'cgroup_skb/ingress': ['cgroup_skb', 'ingress'],
  'cgroup_skb/egress': ['cgroup_skb', 'egress'],
  'cgroup/sock_create': ['cgroup_sock', 'sock_create'],
  'cgroup/sock': ['cgroup_sock', 'sock_create'],
  'cgroup/connect4': ['cgroup_sock_addr', 'connect4'],
  'cgroup/connect6': ['cgroup_sock_addr', 'connect6'],
  sockops: ['sock_ops', 'sock_ops'],
  'cgroup/dev': ['cgroup_device', 'device'],
  'cgroup/sysctl': ['cgroup_sysctl', 'sysctl'],
  'cgroup/getsockopt': ['cgroup_sockopt', 'getsockopt'],
  'cgroup/setsockopt': ['cgroup_sockopt', 'setsockopt'],
};

/** The format's type and attach point of an ELF section (the inverse of compile/sections.ts sectionOf). */
export function programInfoOfSection(section: string): ObjectProgramInfo | undefined {
  const cgroup = CGROUP_SECTIONS[section];
  if (cgroup !== undefined) return { type: cgroup[0], attach: cgroup[1], sleepable: false };
  const [head = '', ...rest] = section.split('/');
  const sleepable = head.endsWith('.s');
  const type = (sleepable ? head.slice(0, -2) : head) as ProgramType;
  if (!TARGETED.includes(type) || rest.length === 0 || rest.join('/') === '') return undefined;
  return { type, attach: rest.join('/'), sleepable };
}

/** An object program entry as the schema reads it (schema.ts objectProgram). */
export interface ObjectProgramEntry {
  readonly name: string;
  readonly object: string;
  readonly program?: string;
  readonly tailCalls?: readonly string[];
}

/**
 * Turns every object program entry into a ProgramDef, its type, attach point and
 * sleepable flag from the object through `resolve`; the first entry that cannot be
 * resolved is an issue at its `object`.
 */
export function resolveObjectPrograms(
  programs: readonly (ProgramDef | ObjectProgramEntry)[],
  resolve: ObjectProgramResolver | undefined,
): ProgramDef[] | Issue {
  const out: ProgramDef[] = [];
  for (const [i, p] of programs.entries()) {
    if (!('object' in p) || p.object === undefined || 'insns' in p) {
      out.push(p as ProgramDef);
      continue;
    }
    const program = p.program ?? p.name;
    const info =
      resolve === undefined
        ? 'BPF objects can only be named from a scenario file'
        : resolve(p.object, program);
    if (typeof info === 'string') return { path: at(idx('programs', i), 'object'), message: info };
    out.push({
      name: p.name,
      ...info,
      insns: [],
      object: p.object,
      program,
      ...(p.tailCalls === undefined ? {} : { tailCalls: p.tailCalls }),
    });
  }
  return out;
}
