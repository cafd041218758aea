import { describe, expect, it } from 'vitest';
import { cgroupStorageMapAlloc } from '../../../model/cgroupStorage/cgroupStorage.js';
import { cgrpStorageMapCreate } from '../../../model/cgrpStorage/cgrpStorageMap.js';
import { EACCES, EBADF, EBUSY, EINVAL } from '../../../model/core/errno.js';
import type { MapId } from '../../../model/core/ids.js';
import type { Kernel } from '../../../model/kernel/kernel.js';
import type { BpfProgram } from '../../../model/programs/bpfProgram.js';
import { verifyProgram } from '../../../model/programs/verifier.js';
import { makeKernel, parse } from '../selftests/fixture.js';

/** A kernel with a NEW map `cg` (8 bytes), one with a spin lock `locked` (16 bytes), and deprecated maps. */
function world(): { k: Kernel; maps: Record<string, MapId> } {
  const { k } = makeKernel();
  const id = (r: { ok: true; value: MapId } | { ok: false }): MapId => {
    if (!r.ok) throw new Error('map create failed');
    return r.value;
  };
  const maps = {
    cg: id(cgrpStorageMapCreate(k, { name: 'cg', valueSize: 8 })),
    locked: id(cgrpStorageMapCreate(k, { name: 'locked', valueSize: 16, spinLockSlot: 1 })),
    old: id(cgroupStorageMapAlloc(k, { name: 'old', mapType: 'cgroup_storage', keySize: 16, valueSize: 16 })),
    old2: id(cgroupStorageMapAlloc(k, { name: 'old2', mapType: 'cgroup_storage', keySize: 8, valueSize: 8 })),
    pcpu: id(
      cgroupStorageMapAlloc(k, { name: 'pcpu', mapType: 'percpu_cgroup_storage', keySize: 16, valueSize: 8 }),
    ),
  };
  return { k, maps };
}

function verify(section: string, insns: readonly string[]) {
  const { k, maps } = world();
  return verifyProgram(k, parse({ name: 'p', section, insns }, { maps }));
}

const GET = 'call get map=cg cg=current flags=F_CREATE';

describe('verifyProgram accepts', () => {
  it.each([
    [
      'tp_btf: get on the current cgroup (RCU-trusted in a non-sleepable program)',
      'tp_btf/sys_enter',
      [GET, 'jnull r0 exit', 'atomic_add [r0+0] 1', 'exit 0'],
    ],
    [
      'fentry.s: the walk under bpf_rcu_read_lock (yes_rcu_lock)',
      'fentry.s/sys_getpgid',
      ['call rcu_read_lock', GET, 'call rcu_read_unlock', 'exit 0'],
    ],
    [
      'fentry.s: an acquired bpf_task_get_cgroup1 pointer (cgrp1_no_rcu_lock)',
      'fentry.s/sys_getpgid',
      ['call get map=cg cg=acquired_cgroup1 flags=F_CREATE', 'exit 0'],
    ],
    [
      'iter.s/cgroup: the context cgroup',
      'iter.s/cgroup',
      ['call get map=cg cg=ctx flags=F_CREATE', 'exit 0'],
    ],
    [
      'cgroup_skb: a NEW-map helper from bpf_base_func_proto',
      'cgroup_skb/egress',
      ['call delete map=cg cg=ctx', 'exit 1'],
    ],
    [
      'cgroup_skb: one shared and one per-CPU deprecated map',
      'cgroup_skb/egress',
      [
        'call get_local_storage map=old',
        'mov r6 r0',
        'call get_local_storage map=pcpu',
        'atomic_add [r6+1] 1',
        'atomic_add [r0+0] 1',
        'exit 1',
      ],
    ],
    [
      'lsm_cgroup: bpf_get_local_storage (bpf_lsm_func_proto)',
      'lsm_cgroup/socket_bind',
      ['call get_local_storage map=old', 'exit 0'],
    ],
    [
      'a value lock taken and released around plain accesses',
      'tp_btf/sys_enter',
      [
        'call get map=locked cg=current flags=0',
        'jnull r0 exit',
        'mov r6 r0',
        'call spin_lock [r6+1]',
        'ld r1 [r6+0]',
        'add r1 1',
        'st [r6+0] r1',
        'call spin_unlock [r6+1]',
        'exit 0',
      ],
    ],
  ])('%s', (_name, section, insns) => {
    expect(verify(section, insns)).toMatchObject({ ok: true });
  });

  it('reports the deprecated maps a program uses, by storage type', () => {
    const { k, maps } = world();
    const prog = parse(
      { name: 'p', section: 'cgroup_skb/ingress', insns: ['call get_local_storage map=pcpu', 'exit 1'] },
      { maps },
    );
    expect(verifyProgram(k, prog)).toEqual({ ok: true, value: { cgroupStorage: [null, maps.pcpu] } });
  });
});

describe('verifyProgram refuses', () => {
  it.each([
    // Program types and sleepable (bpf_prog_load_check_attach, check_attach_btf_id).
    [
      'a sleepable tp_btf',
      'tp_btf.s/sys_enter',
      ['exit 0'],
      EINVAL,
      'Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable',
      undefined,
    ],
    // Map references (resolve_pseudo_ldimm64, check_map_prog_compatibility, bpf_cgroup_storage_assign).
    [
      'an unknown map',
      'tp_btf/sys_enter',
      ['call get map=nope cg=current', 'exit 0'],
      EBADF,
      "map 'nope' is not pointing to a valid bpf_map",
      0,
    ],
    [
      'two deprecated maps of one storage type',
      'cgroup_skb/egress',
      ['call get_local_storage map=old', 'call get_local_storage map=old2', 'exit 1'],
      EBUSY,
      'only one cgroup storage of each type is allowed',
      1,
    ],
    [
      'a deprecated map in a sleepable program',
      'lsm.s/file_open',
      ['call get_local_storage map=old', 'exit 0'],
      EINVAL,
      'Sleepable programs can only use array, hash, ringbuf and local storage maps',
      0,
    ],
    // Helper availability and arguments (check_helper_call, check_map_func_compatibility).
    [
      'bpf_get_local_storage in tp_btf',
      'tp_btf/sys_enter',
      ['call get_local_storage map=old', 'exit 0'],
      EINVAL,
      'program of this type cannot use helper bpf_get_local_storage#81',
      0,
    ],
    [
      'bpf_get_local_storage in a plain LSM program',
      'lsm/file_open',
      ['call get_local_storage map=old', 'exit 0'],
      EINVAL,
      'program of this type cannot use helper bpf_get_local_storage#81',
      0,
    ],
    [
      'bpf_get_local_storage with flags',
      'cgroup_skb/egress',
      ['call get_local_storage map=old flags=1', 'exit 1'],
      EINVAL,
      "get_local_storage() doesn't support non-zero flags",
      0,
    ],
    [
      'bpf_get_local_storage on a NEW map',
      'cgroup_skb/egress',
      ['call get_local_storage map=cg', 'exit 1'],
      EINVAL,
      'cannot pass map_type 32 into func bpf_get_local_storage#81',
      0,
    ],
    [
      'bpf_cgrp_storage_get on a deprecated map',
      'cgroup_skb/egress',
      ['call get map=old cg=ctx', 'exit 1'],
      EINVAL,
      'cannot pass map_type 19 into func bpf_cgrp_storage_get#210',
      0,
    ],
    [
      'a task pointer as the cgroup (cgrp_ls_negative)',
      'tp_btf/sys_enter',
      ['call get map=cg cg=task flags=F_CREATE', 'exit 0'],
      EACCES,
      'R2 is of type task_struct but cgroup is expected',
      0,
    ],
    [
      'task->cgroups->dfl_cgrp in a sleepable program outside RCU (no_rcu_lock)',
      'fentry.s/sys_getpgid',
      [GET, 'exit 0'],
      EACCES,
      'R2 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_',
      0,
    ],
    // Memory accesses (check_mem_access).
    [
      'a store through an unchecked get result',
      'tp_btf/sys_enter',
      [GET, 'atomic_add [r0+0] 1', 'exit 0'],
      EACCES,
      "R0 invalid mem access 'map_value_or_null'",
      1,
    ],
    [
      'an access past the value',
      'tp_btf/sys_enter',
      [GET, 'jnull r0 exit', 'st [r0+1] 5', 'exit 0'],
      EACCES,
      'invalid access to map value, value_size=8 off=8 size=8',
      2,
    ],
    [
      'a load through a scalar',
      'tp_btf/sys_enter',
      ['mov r2 5', 'ld r0 [r2+0]', 'exit'],
      EACCES,
      "R2 invalid mem access 'scalar'",
      1,
    ],
    [
      'an argument register read after a call clobbered it',
      'tp_btf/sys_enter',
      ['mov r1 1', GET, 'mov r0 r1', 'exit'],
      EACCES,
      'R1 !read_ok',
      2,
    ],
    ['exit with r0 never set', 'tp_btf/sys_enter', ['exit'], EACCES, 'R0 !read_ok', 0],
    // Locks (process_spin_lock, check_kfunc_call, process_bpf_exit).
    [
      'a helper call under bpf_spin_lock',
      'tp_btf/sys_enter',
      [
        'call get map=locked cg=current',
        'jnull r0 exit',
        'mov r6 r0',
        'call spin_lock [r6+1]',
        GET,
        'call spin_unlock [r6+1]',
        'exit 0',
      ],
      EINVAL,
      'function calls are not allowed while holding a lock',
      4,
    ],
    [
      'exit with bpf_spin_lock held',
      'tp_btf/sys_enter',
      ['call get map=locked cg=current', 'jnull r0 exit', 'mov r6 r0', 'call spin_lock [r6+1]', 'exit 0'],
      EINVAL,
      'bpf_spin_unlock is missing',
      4,
    ],
    [
      'bpf_spin_lock at the wrong offset',
      'tp_btf/sys_enter',
      ['call get map=locked cg=current', 'jnull r0 exit', 'call spin_lock [r0+0]', 'exit 0'],
      EINVAL,
      "off 0 doesn't point to 'struct bpf_spin_lock' that is at 8",
      2,
    ],
    [
      'bpf_spin_lock on a value without one',
      'tp_btf/sys_enter',
      [GET, 'jnull r0 exit', 'call spin_lock [r0+0]', 'exit 0'],
      EINVAL,
      "map 'cg' has no valid bpf_spin_lock",
      2,
    ],
    [
      'exit inside bpf_rcu_read_lock',
      'fentry.s/f',
      ['call rcu_read_lock', 'exit 0'],
      EINVAL,
      'bpf_rcu_read_unlock is missing',
      1,
    ],
    [
      'an unmatched bpf_rcu_read_unlock',
      'fentry/f',
      ['call rcu_read_unlock', 'exit 0'],
      EINVAL,
      'unmatched rcu read unlock',
      0,
    ],
    // Control flow (check_cfg).
    [
      'a backward jump',
      'tp_btf/sys_enter',
      ['mov r0 0', 'top:', 'jeq r0 0 top', 'exit'],
      EINVAL,
      'back-edge from insn 1 to 1',
      1,
    ],
    [
      'a program not ending in exit',
      'tp_btf/sys_enter',
      ['mov r0 0'],
      EINVAL,
      'last insn is not an exit or jmp',
      0,
    ],
  ])('%s', (_name, section, insns, errno, message, insn) => {
    const r = verify(section, insns);
    expect(r).toEqual(
      insn === undefined ? { ok: false, errno, message } : { ok: false, errno, message, insn },
    );
  });

  it('a program type with the wrong attach type', () => {
    const { k, maps } = world();
    const prog: BpfProgram = {
      ...parse({ name: 'p', section: 'tp_btf/x', insns: ['exit 0'] }, { maps }),
      attachType: 'cgroup_inet_egress',
    };
    expect(verifyProgram(k, prog)).toEqual({
      ok: false,
      errno: EINVAL,
      message: 'attach type cgroup_inet_egress is not valid for program type tracing',
    });
  });

  it('a NULL check covers every copy of the pointer, and only on the checked path', () => {
    const ok = verify('tp_btf/sys_enter', [
      GET,
      'mov r6 r0',
      'jnull r0 exit',
      'atomic_add [r6+0] 1',
      'exit 0',
    ]);
    expect(ok).toMatchObject({ ok: true });
    const bad = verify('tp_btf/sys_enter', [
      GET,
      'mov r6 r0',
      'jnotnull r0 exit',
      'atomic_add [r6+0] 1',
      'exit 0',
    ]);
    expect(bad).toEqual({ ok: false, errno: EACCES, message: "R6 invalid mem access 'scalar'", insn: 3 });
  });
});
