/**
 * Program entries that name a compiled BPF object instead of instructions:
 * `{ "name": "count", "object": "bpf/doc_counter.bpf.o", "program": "count" }`.
 * The object is opened by whoever loads the file (scenarios/engine/objectFiles.ts)
 * and handed in as a resolver, so this reader stays pure; the program's type,
 * attach point and sleepable flag come from its ELF section, as libbpf decides them.
 */

import { FIELDS } from './fields.js';
import { at, type FieldReader, type Obj } from './reader.js';
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

/** Reads an object program entry; its type comes from the object through `resolve`. */
export function readObjectProgram(
  r: FieldReader,
  v: unknown,
  path: string,
  resolve: ObjectProgramResolver | undefined,
): ProgramDef {
  const o: Obj = r.object(v, path, FIELDS.objectProgram);
  const name = r.req(o, 'name', path, r.name);
  const object = r.req(o, 'object', path, r.text);
  const program = r.opt(o, 'program', path, r.text) ?? name;
  const tailCalls = r.opt(o, 'tailCalls', path, r.list(r.name));
  const info: ObjectProgramInfo | string =
    resolve === undefined
      ? 'BPF objects can only be named from a scenario file'
      : typeof object === 'string' && typeof program === 'string'
        ? resolve(object, program)
        : 'no object';
  if (typeof info === 'string') {
    r.fail(at(path, 'object'), info);
    return { name, type: 'tp_btf', attach: '', insns: [], object, program };
  }
  return {
    name,
    ...info,
    insns: [],
    object,
    program,
    ...(tailCalls === undefined ? {} : { tailCalls }),
  };
}
