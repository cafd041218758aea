/**
 * Load-time checks of a program (kernel/bpf/syscall.c: bpf_prog_load_check_attach;
 * kernel/bpf/verifier.c: check_attach_btf_id, resolve_pseudo_ldimm64,
 * check_map_prog_compatibility), then do_check's walk of every path (verifierDoCheck.ts).
 */

import { isCgroupStorageMap } from '../cgroupStorage/cgroupStorage.js';
import { EBUSY, EINVAL, type Errno } from '../core/errno.js';
import type { MapId } from '../core/ids.js';
import type { Kernel } from '../kernel/kernel.js';
import { type AttachType, type BpfProgram, type ProgType, progUsedMaps } from './bpfProgram.js';
import { ebpfVerify } from './ebpf/ebpfVerify.js';
import { mapOf, Refusal, refuse, walkPaths } from './verifierDoCheck.js';

/** What loading gives: the deprecated storage maps by type (prog->aux->cgroup_storage). */
export interface VerifiedProg {
  readonly cgroupStorage: readonly [MapId | null, MapId | null];
}

/** A refusal: the errno bpf(BPF_PROG_LOAD) returns and the verifier log line saying why. */
export type VerifierResult =
  | { readonly ok: true; readonly value: VerifiedProg }
  | { readonly ok: false; readonly errno: Errno; readonly message: string; readonly insn?: number };

/** Valid expected_attach_type per program type (bpf_prog_load_check_attach, attach_type_to_prog_type). */
const ATTACH_TYPES: Readonly<Record<ProgType, readonly (AttachType | null)[]>> = {
  cgroup_skb: ['cgroup_inet_ingress', 'cgroup_inet_egress'],
  cgroup_sock: ['cgroup_inet_sock_create'],
  cgroup_sock_addr: ['cgroup_inet4_connect', 'cgroup_inet6_connect'],
  sock_ops: ['cgroup_sock_ops'],
  cgroup_device: ['cgroup_device'],
  cgroup_sysctl: ['cgroup_sysctl'],
  cgroup_sockopt: ['cgroup_getsockopt', 'cgroup_setsockopt'],
  lsm: ['lsm_mac', 'lsm_cgroup'],
  tracing: ['trace_raw_tp', 'trace_fentry', 'trace_fexit', 'trace_iter'],
  kprobe: [null],
};

/** Verifies a program as bpf(BPF_PROG_LOAD) would, for a privileged (CAP_BPF) loader. */
export function verifyProgram(k: Kernel, prog: BpfProgram): VerifierResult {
  try {
    checkAttach(prog);
    const cgroupStorage = checkMaps(k, prog);
    if (prog.ebpf !== undefined) ebpfVerify(k, prog);
    else {
      checkLastInsn(prog);
      walkPaths(k, prog);
    }
    return { ok: true, value: { cgroupStorage } };
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    const base = { ok: false as const, errno: e.errno, message: e.message };
    return e.insn === undefined ? base : { ...base, insn: e.insn };
  }
}

function checkAttach(prog: BpfProgram): void {
  if (!ATTACH_TYPES[prog.type].includes(prog.attachType))
    refuse(EINVAL, `attach type ${prog.attachType} is not valid for program type ${prog.type}`);
  const canSleep =
    prog.type === 'lsm' ||
    (prog.type === 'tracing' &&
      ['trace_fentry', 'trace_fexit', 'trace_iter'].includes(prog.attachType ?? ''));
  if (prog.isSleepable && !canSleep)
    refuse(EINVAL, 'Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable');
}

/**
 * resolve_pseudo_ldimm64 for each map an instruction names, in order: the map must
 * exist, a sleepable program may only use some map types, and a program may use one
 * deprecated map per storage type (bpf_cgroup_storage_assign).
 */
function checkMaps(k: Kernel, prog: BpfProgram): [MapId | null, MapId | null] {
  const storage: [MapId | null, MapId | null] = [null, null];
  for (const { name, pc } of progUsedMaps(prog)) {
    const map = mapOf(k, prog, name, pc);
    if (prog.isSleepable && map.type !== 'cgrp_storage')
      refuse(EINVAL, 'Sleepable programs can only use array, hash, ringbuf and local storage maps', pc);
    if (!isCgroupStorageMap(map)) continue;
    const stype = map.type === 'percpu_cgroup_storage' ? 1 : 0;
    if (storage[stype] !== null && storage[stype] !== map.id)
      refuse(EBUSY, 'only one cgroup storage of each type is allowed', pc);
    storage[stype] = map.id;
  }
  return storage;
}

function checkLastInsn(prog: BpfProgram): void {
  const last = prog.insns[prog.insns.length - 1];
  if (last === undefined || (last.op !== 'exit' && !(last.op === 'jmp' && last.cond === 'always')))
    refuse(EINVAL, 'last insn is not an exit or jmp', Math.max(0, prog.insns.length - 1));
}
