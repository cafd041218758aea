/**
 * tools/testing/selftests/bpf/prog_tests/cgrp_local_storage.c and its progs
 * (cgrp_ls_tp_btf.c, cgrp_ls_attach_cgroup.c, cgrp_ls_recursion.c, cgrp_ls_negative.c,
 * cgrp_ls_sleepable.c), run through the model in the selftest's own order. The test
 * process runs in /cgrp_local_storage; `task->pid != target_pid` filters read `pid`
 * from the context. Not modelled: ctx->sk NULL checks and bpf_skc_to_tcp_sock (taken
 * as succeeding), bpf_cgroup_release reference counting.
 */
import { describe, expect, it } from 'vitest';
import { BPF_F_ALLOW_MULTI, bpfProgRunArrayCg } from '../../../model/cgroup/cgroupBpf.js';
import { cgroupBpfAttach } from '../../../model/cgroup/cgroupBpfAttach.js';
import { cgrpStorageMapCreate } from '../../../model/cgrpStorage/cgrpStorageMap.js';
import {
  cgrpStorageDeleteElem,
  cgrpStorageLookupElem,
  cgrpStorageUpdateElem,
} from '../../../model/cgrpStorage/cgrpStorageSyscall.js';
import { EACCES, OK0, ok } from '../../../model/core/errno.js';
import type { MapId } from '../../../model/core/ids.js';
import { runToCompletion } from '../../../model/core/step.js';
import { fireHook } from '../../../model/kernel/kernel.js';
import { BPF_ANY } from '../../../model/localStorage/localStorage.js';
import { allocProgData } from '../../../model/programs/bpfProgram.js';
import { attachTracing, runProg } from '../../../model/programs/interpreter.js';
import { verifyProgram } from '../../../model/programs/verifier.js';
import { load, makeKernel, parse } from './fixture.js';

const PID = 4242;
const MAGIC_VALUE = 0xabcd1234;
const AF_INET6 = 10;
const BPF_SOCK_OPS_TCP_CONNECT_CB = 3;

/** cgrp2_local_storage(): the test joins /cgrp_local_storage; maps are `long`-valued. */
function setup(mapNames: readonly string[], valueSize = 8) {
  const { k, cpu0, user } = makeKernel();
  const root = k.cgroups.mkdir(null, 'root');
  const cg = k.cgroups.mkdir(root, 'cgrp_local_storage');
  const cgroupFd = k.fds.openCgroup(cg);
  const maps: Record<string, MapId> = {};
  for (const name of mapNames) {
    const r = cgrpStorageMapCreate(k, { name, valueSize });
    if (!r.ok) throw new Error(`map ${name}`);
    maps[name] = r.value;
  }
  const ctx = { currentCgroup: cg, fields: { pid: PID } };
  /** One syscall of the test thread: sys_enter, then sys_exit tracepoints. */
  const syscall = () => {
    runToCompletion(fireHook(k, 'tp_btf/sys_enter', user));
    runToCompletion(fireHook(k, 'tp_btf/sys_exit', user));
  };
  return { k, cpu0, user, cg, cgroupFd, maps, ctx, syscall };
}

/** Returns early unless `task->pid == target_pid` (bss slot 0). */
const PID_FILTER = ['ldctx r1 pid', 'ld r2 [data+0]', 'jne r1 r2 out'];

describe('cgrp_local_storage', () => {
  it('tp_btf: userspace update/lookup/delete, then enter = exit = 3 and no mismatch', () => {
    const t = setup(['map_a', 'map_b']);
    const { k, user, maps, cgroupFd } = t;
    expect(runToCompletion(cgrpStorageUpdateElem(k, user, maps.map_b!, cgroupFd, [1], BPF_ANY))).toEqual(OK0);
    expect(runToCompletion(cgrpStorageLookupElem(k, user, maps.map_b!, cgroupFd, 0))).toEqual(ok([1]));
    expect(runToCompletion(cgrpStorageDeleteElem(k, user, maps.map_b!, cgroupFd))).toEqual(OK0);

    // bss: target_pid, mismatch_cnt, enter_cnt, exit_cnt.
    const data = allocProgData(k, 'cgrp_ls_tp_btf', 4);
    const onEnter = [
      ...PID_FILTER,
      'call get map=map_a cg=current flags=F_CREATE',
      'jnull r0 out',
      'call delete map=map_a cg=current',
      'jne r0 0 out',
      'call get map=map_a cg=current flags=0',
      'jnotnull r0 out',
      'call get map=map_a cg=current flags=F_CREATE',
      'jnull r0 out',
      'mov r6 r0',
      'atomic_add [data+2] 1',
      'ld r1 [data+2]',
      `add r1 ${MAGIC_VALUE}`,
      'st [r6+0] r1',
      'out:',
      'exit 0',
    ];
    const onExit = [
      ...PID_FILTER,
      'call get map=map_a cg=current flags=F_CREATE',
      'jnull r0 out',
      'mov r6 r0',
      'atomic_add [data+3] 1',
      'ld r1 [data+3]',
      `add r1 ${MAGIC_VALUE}`,
      'ld r2 [r6+0]',
      'jeq r1 r2 out',
      'atomic_add [data+1] 1',
      'out:',
      'exit 0',
    ];
    const env = { maps, data };
    attachTracing(
      k,
      load(k, { name: 'on_enter', section: 'tp_btf/sys_enter', insns: onEnter }, env),
      undefined,
      t.ctx,
    );
    attachTracing(
      k,
      load(k, { name: 'on_exit', section: 'tp_btf/sys_exit', insns: onExit }, env),
      undefined,
      t.ctx,
    );
    k.memory.get(data).data![0] = PID;
    // 3x syscalls: 1x attach and 2x gettid.
    for (let i = 0; i < 3; i++) t.syscall();
    const [, mismatch, enter, exit] = k.memory.get(data).data!;
    expect({ enter, exit, mismatch }).toEqual({ enter: 3, exit: 3, mismatch: 0 });
  });

  it('attach_cgroup: connect6 creates {cookie, 0xF}, sockops ORs in port << 8, fexit ORs in 0xF0', () => {
    const t = setup(['socket_cookies'], 16);
    const { k, user, cg, maps, cgroupFd } = t;
    const env = { maps };
    const setCookie = [
      'ldctx r1 family',
      `jne r1 ${AF_INET6} out`,
      'ldctx r1 user_family',
      `jne r1 ${AF_INET6} out`,
      'call get map=socket_cookies cg=ctx flags=F_CREATE',
      'jnull r0 out',
      'mov r6 r0',
      'st [r6+1] 0xF',
      'ldctx r1 cookie',
      'st [r6+0] r1',
      'out:',
      'exit 1',
    ];
    const matchCookie = [
      'call get map=socket_cookies cg=ctx flags=0',
      'jnull r0 out',
      'mov r6 r0',
      'ld r1 [r6+0]',
      'ldctx r2 cookie',
      'jne r1 r2 out',
    ];
    const sockops = [
      'ldctx r1 family',
      `jne r1 ${AF_INET6} out`,
      'ldctx r1 op',
      `jne r1 ${BPF_SOCK_OPS_TCP_CONNECT_CB} out`,
      ...matchCookie,
      'ldctx r1 local_port',
      'lsh r1 8',
      'ld r2 [r6+1]',
      'or r2 r1',
      'st [r6+1] r2',
      'out:',
      'exit 1',
    ];
    const tracing = [
      'ldctx r1 sa_family',
      `jne r1 ${AF_INET6} out`,
      ...matchCookie,
      'ld r1 [r6+1]',
      'or r1 0xF0',
      'st [r6+1] r1',
      'out:',
      'exit 0',
    ];
    const connect6 = load(k, { name: 'set_cookie', section: 'cgroup/connect6', insns: setCookie }, env);
    const ops = load(k, { name: 'update_cookie_sockops', section: 'sockops', insns: sockops }, env);
    const fexit = load(
      k,
      { name: 'update_cookie_tracing', section: 'fexit/inet_stream_connect', insns: tracing },
      env,
    );
    expect(
      runToCompletion(cgroupBpfAttach(k, user, cg, connect6, 'cgroup_inet6_connect', BPF_F_ALLOW_MULTI)),
    ).toEqual(OK0);
    expect(runToCompletion(cgroupBpfAttach(k, user, cg, ops, 'cgroup_sock_ops', BPF_F_ALLOW_MULTI))).toEqual(
      OK0,
    );
    const port = 40_000;
    const sock = {
      cgroup: cg,
      fields: { family: AF_INET6, user_family: AF_INET6, sa_family: AF_INET6, cookie: 77, local_port: port },
    };
    attachTracing(k, fexit, undefined, sock);
    // connect(): inet_stream_connect → BPF_CGROUP_RUN_PROG_INET6_CONNECT → tcp_connect (sockops) → fexit.
    expect(runToCompletion(bpfProgRunArrayCg(k, user, cg, 'cgroup_inet6_connect', sock))).toBe(0);
    const opsCtx = { ...sock, fields: { ...sock.fields, op: BPF_SOCK_OPS_TCP_CONNECT_CB } };
    expect(runToCompletion(bpfProgRunArrayCg(k, user, cg, 'cgroup_sock_ops', opsCtx))).toBe(0);
    runToCompletion(fireHook(k, 'fexit/inet_stream_connect', user));
    expect(runToCompletion(cgrpStorageLookupElem(k, user, maps.socket_cookies!, cgroupFd, 0))).toEqual(
      ok([77, (port << 8) | 0xff]),
    );
  });

  it('recursion: tracing programs on bpf_local_storage_update/lookup nest inside sys_enter without deadlock (E1)', () => {
    const t = setup(['map_a', 'map_b']);
    const { k, maps } = t;
    const incr = (m: string) => [
      `call get map=${m} cg=current flags=F_CREATE`,
      `jnull r0 +3`,
      'ld r1 [r0+0]',
      'add r1 1',
      'st [r0+0] r1',
    ];
    const onLookup = ['call delete map=map_a cg=current', 'call delete map=map_b cg=current', 'exit 0'];
    const onUpdate = [...incr('map_a'), ...incr('map_b'), 'exit 0'];
    const onEnter = [
      'call get map=map_a cg=current flags=F_CREATE',
      'jnull r0 +1',
      'st [r0+0] 200',
      'call get map=map_b cg=current flags=F_CREATE',
      'jnull r0 +1',
      'st [r0+0] 100',
      'exit 0',
    ];
    attachTracing(
      k,
      load(k, { name: 'on_lookup', section: 'fentry/bpf_local_storage_lookup', insns: onLookup }, { maps }),
      undefined,
      t.ctx,
    );
    attachTracing(
      k,
      load(k, { name: 'on_update', section: 'fentry/bpf_local_storage_update', insns: onUpdate }, { maps }),
      undefined,
      t.ctx,
    );
    attachTracing(
      k,
      load(k, { name: 'on_enter', section: 'tp_btf/sys_enter', insns: onEnter }, { maps }),
      undefined,
      t.ctx,
    );
    runToCompletion(fireHook(k, 'tp_btf/sys_enter', t.user));
    // Every nested helper found the busy counter held: gets returned NULL, deletes -EBUSY.
    const helpers = k.observations.flatMap((o) =>
      o.kind === 'helper'
        ? [
            `${o.helper.slice(17)} ${o.map === maps.map_a ? 'a' : 'b'} ${typeof o.ret === 'number' && o.ret > 0 ? 'elem' : o.ret}`,
          ]
        : [],
    );
    expect(helpers).toEqual([
      'get a null', // nested in on_enter's get(map_a): fentry/bpf_local_storage_update → on_update
      'get b null',
      'get a elem', // on_enter's get(map_a) creates
      'delete a -16', // nested in on_enter's get(map_b): fentry/bpf_local_storage_lookup → on_lookup
      'delete b -16',
      'get a null', // nested in on_enter's get(map_b) creating: on_update again
      'get b null',
      'get b elem',
    ]);
    expect(k.memory.liveOf('selem').map((o) => o.data)).toEqual([[200], [100]]);
    expect(k.cpus.map((c) => c.busy)).toEqual([0, 0]);
    expect(t.user.progDepth).toBe(0);
  });

  it('negative: a task pointer passed as the cgroup fails to load', () => {
    const { k, maps } = setup(['map_a']);
    const prog = parse(
      {
        name: 'on_enter',
        section: 'tp_btf/sys_enter',
        insns: ['call get map=map_a cg=task flags=F_CREATE', 'exit 0'],
      },
      { maps },
    );
    expect(verifyProgram(k, prog)).toEqual({
      ok: false,
      errno: EACCES,
      message: 'R2 is of type task_struct but cgroup is expected',
      insn: 0,
    });
  });

  /** cgrp_ls_sleepable.c: bss slot 0 target_pid, slot 1 cgroup_id. */
  const recordId = (cg: string) => ['jnull r0 +2', `cgid r1 cg=${cg}`, 'st [data+1] r1'];

  it('cgroup_iter_sleepable: iter.s/cgroup get(F_CREATE) succeeds and records the cgroup id', () => {
    const { k, user, cg, maps } = setup(['map_a']);
    const data = allocProgData(k, 'cgrp_ls_sleepable', 2);
    const insns = [
      'cgid r1 cg=ctx',
      'jeq r1 0 out',
      'call get map=map_a cg=ctx flags=F_CREATE',
      ...recordId('ctx'),
      'out:',
      'exit 0',
    ];
    const iter = load(k, { name: 'cgroup_iter', section: 'iter.s/cgroup', insns }, { maps, data });
    // read(iter_fd) with BPF_CGROUP_ITER_SELF_ONLY: one run for the cgroup.
    runToCompletion(runProg(k, user, iter, { cgroup: cg }));
    expect(k.memory.get(data).data![1]).toBe(cg);
  });

  it('yes_rcu_lock: a sleepable program under bpf_rcu_read_lock uses task->cgroups->dfl_cgrp', () => {
    const { k, user, cg, maps, ctx } = setup(['map_a']);
    const data = allocProgData(k, 'cgrp_ls_sleepable', 2);
    const insns = [
      ...PID_FILTER,
      'call rcu_read_lock',
      'call get map=map_a cg=current flags=F_CREATE',
      ...recordId('current'),
      'call rcu_read_unlock',
      'out:',
      'exit 0',
    ];
    attachTracing(
      k,
      load(k, { name: 'yes_rcu_lock', section: 'fentry.s/sys_getpgid', insns }, { maps, data }),
      undefined,
      ctx,
    );
    k.memory.get(data).data![0] = PID;
    runToCompletion(fireHook(k, 'fentry/sys_getpgid', user));
    expect(k.memory.get(data).data![1]).toBe(cg);
  });

  it('no_rcu_lock: the untrusted walk outside an RCU section fails to load', () => {
    const { k, maps } = setup(['map_a']);
    const data = allocProgData(k, 'cgrp_ls_sleepable', 2);
    const insns = [
      ...PID_FILTER,
      'call get map=map_a cg=current flags=F_CREATE',
      ...recordId('current'),
      'out:',
      'exit 0',
    ];
    const prog = parse({ name: 'no_rcu_lock', section: 'fentry.s/sys_getpgid', insns }, { maps, data });
    expect(verifyProgram(k, prog)).toEqual({
      ok: false,
      errno: EACCES,
      message: 'R2 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_',
      insn: 3,
    });
  });

  it('cgrp1_no_rcu_lock: an acquired bpf_task_get_cgroup1 pointer loads (and works) in a sleepable program', () => {
    const { k, user, maps } = setup(['map_a']);
    const v1root = k.cgroups.mkdir(null, 'net_cls', { isV1: true });
    const classid = k.cgroups.mkdir(v1root, 'classid', { isV1: true });
    const data = allocProgData(k, 'cgrp_ls_sleepable', 2);
    const insns = [
      ...PID_FILTER,
      'cgid r1 cg=acquired_cgroup1',
      'jeq r1 0 out',
      'call get map=map_a cg=acquired_cgroup1 flags=F_CREATE',
      ...recordId('acquired_cgroup1'),
      'out:',
      'exit 0',
    ];
    const prog = load(
      k,
      { name: 'cgrp1_no_rcu_lock', section: 'fentry.s/sys_getpgid', insns },
      { maps, data },
    );
    k.memory.get(data).data![0] = PID;
    runToCompletion(runProg(k, user, prog, { cgroup1: classid, fields: { pid: PID } }));
    expect(k.memory.get(data).data![1]).toBe(classid);
  });
});
