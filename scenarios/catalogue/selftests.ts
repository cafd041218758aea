/**
 * The kernel selftests of tools/testing/selftests/bpf/prog_tests/cgrp_local_storage.c
 * as concurrent scenarios: the selftest's programs on several CPUs at once, userspace
 * racing with them, and the values the selftest asserts checked at the end of every
 * execution (`expectFinal`). test/model/selftests runs the same programs in the
 * selftest's own order. Adaptations, because scenario programs have no .bss and cpu
 * tasks carry no socket context:
 * - each task is the selftest's test process, alone in its cgroup (`task->pid ==
 *   target_pid` filters dropped); counters the selftest keeps in .bss live in a
 *   `counts` map of the task's cgroup, pre-allocated in `setup` so that racing first
 *   inserts cannot make the selftest's own get(F_CREATE) fail;
 * - socket fields (cookie, port) are constants; the cgroup id a program records is
 *   stored in its storage (cgroup ids count from 1 in declaration order).
 * negative and no_rcu_lock fail to load: no execution exists, so they are tests that
 * the load refusal is an input error (test/scenarios/catalogue/catalogue.test.ts).
 */
import { scenario } from '../format/builder.js';

const MAGIC = 0xabcd1234;

/** cgrp_ls_tp_btf.c on_enter: get(F_CREATE), delete, get(0) is NULL, get(F_CREATE), store MAGIC + ++enter_cnt. */
const TP_BTF_ENTER = [
  'call get map=counts cg=current',
  'jnull r0 out',
  'mov r7 r0',
  'call get map=map_a cg=current flags=F_CREATE',
  'jnull r0 out',
  'call delete map=map_a cg=current',
  'jne r0 0 out',
  'call get map=map_a cg=current flags=0',
  'jnotnull r0 out',
  'call get map=map_a cg=current flags=F_CREATE',
  'jnull r0 out',
  'mov r6 r0',
  'atomic_add [r7+0] 1',
  'ld r1 [r7+0]',
  `add r1 ${MAGIC}`,
  'st [r6+0] r1',
  'out:',
  'exit 0',
];

/** on_exit: get(F_CREATE) sees MAGIC + ++exit_cnt, else ++mismatch_cnt. counts = {enter, exit, mismatch}. */
const TP_BTF_EXIT = [
  'call get map=counts cg=current',
  'jnull r0 out',
  'mov r7 r0',
  'call get map=map_a cg=current flags=F_CREATE',
  'jnull r0 out',
  'mov r6 r0',
  'atomic_add [r7+1] 1',
  'ld r1 [r7+1]',
  `add r1 ${MAGIC}`,
  'ld r2 [r6+0]',
  'jeq r1 r2 out',
  'atomic_add [r7+2] 1',
  'out:',
  'exit 0',
];

/** One syscall of the test process: sys_enter, then sys_exit. */
const SYSCALL = [{ program: 'on_enter' }, { program: 'on_exit' }] as const;

/** `selftest-tp-btf`: two test processes, 3 syscalls each, while userspace updates, reads and deletes map_b. */
export const selftestTpBtf = scenario('selftest-tp-btf')
  .describe(
    'cgrp_local_storage tp_btf: two tasks in their own cgroups, 3 syscalls each, userspace racing on map_b',
  )
  .kernel('6.2')
  .expect('pass')
  .cgroup('root')
  .cgroup('app0', { parent: 'root' })
  .cgroup('app1', { parent: 'root' })
  .map('map_a', { type: 'cgrp_storage', valueSize: 8 })
  .map('map_b', { type: 'cgrp_storage', valueSize: 8 })
  .map('counts', { type: 'cgrp_storage', valueSize: 24 })
  .program('on_enter', { type: 'tp_btf', attach: 'sys_enter', insns: TP_BTF_ENTER })
  .program('on_exit', { type: 'tp_btf', attach: 'sys_exit', insns: TP_BTF_EXIT })
  .setup([
    { op: 'update', map: 'counts', cgroup: 'app0', value: [0] },
    { op: 'update', map: 'counts', cgroup: 'app1', value: [0] },
  ])
  .cpu('task0', { cgroup: 'app0', run: [...SYSCALL, ...SYSCALL, ...SYSCALL] })
  .cpu('task1', { cgroup: 'app1', run: [...SYSCALL, ...SYSCALL, ...SYSCALL] })
  .user('test', [
    { op: 'update', map: 'map_b', cgroup: 'app0', value: [1], flags: ['BPF_ANY'] },
    { op: 'lookup', map: 'map_b', cgroup: 'app0' },
    { op: 'delete', map: 'map_b', cgroup: 'app0' },
    { op: 'lookup', map: 'map_a', cgroup: 'app1' },
  ])
  .check('get-finds-prealloc', 'atomic-add')
  .expectFinal(
    { map: 'counts', cgroup: 'app0', value: [3, 3, 0] },
    { map: 'counts', cgroup: 'app1', value: [3, 3, 0] },
    { map: 'map_a', cgroup: 'app0', value: [MAGIC + 3] },
    { map: 'map_b', cgroup: 'app0' },
  );

const COOKIE = 77;
const PORT = 40_000;

/** cgrp_ls_attach_cgroup.c set_cookie (connect6): `{cookie, 0xF}` in the socket's cgroup storage. */
const SET_COOKIE = [
  'call get map=socket_cookies cg=ctx flags=F_CREATE',
  'jnull r0 out',
  'st [r0+1] 0xF',
  `st [r0+0] ${COOKIE}`,
  'out:',
  'exit 1',
];
/** Looks the storage up without creating it and returns unless it holds this socket's cookie. */
const MATCH_COOKIE = [
  'call get map=socket_cookies cg=ctx flags=0',
  'jnull r0 out',
  'mov r6 r0',
  'ld r1 [r6+0]',
  `jne r1 ${COOKIE} out`,
];

/** `selftest-attach-cgroup`: connect() in two cgroups at once; each ends with `{cookie, port << 8 | 0xFF}`. */
export const selftestAttachCgroup = scenario('selftest-attach-cgroup')
  .describe(
    'cgrp_local_storage attach_cgroup: connect6, sockops and fexit programs on two CPUs, userspace reading',
  )
  .kernel('6.2')
  .expect('pass')
  .cgroup('root')
  .cgroup('app0', { parent: 'root' })
  .cgroup('app1', { parent: 'root' })
  .map('socket_cookies', { type: 'cgrp_storage', valueSize: 16 })
  .program('set_cookie', { type: 'cgroup_sock_addr', attach: 'connect6', insns: SET_COOKIE })
  .program('update_cookie_sockops', {
    type: 'sock_ops',
    attach: 'sock_ops',
    insns: [
      ...MATCH_COOKIE,
      `mov r1 ${PORT}`,
      'lsh r1 8',
      'ld r2 [r6+1]',
      'or r2 r1',
      'st [r6+1] r2',
      'out:',
      'exit 1',
    ],
  })
  .program('update_cookie_tracing', {
    type: 'fexit',
    attach: 'inet_stream_connect',
    insns: [...MATCH_COOKIE, 'ld r1 [r6+1]', 'or r1 0xF0', 'st [r6+1] r1', 'out:', 'exit 0'],
  })
  .attach('set_cookie', 'app0')
  .attach('set_cookie', 'app1')
  .attach('update_cookie_sockops', 'app0')
  .attach('update_cookie_sockops', 'app1')
  .cpu('connect0', {
    cgroup: 'app0',
    run: [{ hook: 'connect6' }, { hook: 'sock_ops' }, { program: 'update_cookie_tracing' }],
  })
  .cpu('connect1', {
    cgroup: 'app1',
    run: [{ hook: 'connect6' }, { hook: 'sock_ops' }, { program: 'update_cookie_tracing' }],
  })
  .user('test', [
    { op: 'lookup', map: 'socket_cookies', cgroup: 'app0' },
    { op: 'lookup', map: 'socket_cookies', cgroup: 'app1' },
  ])
  .expectFinal(
    { map: 'socket_cookies', cgroup: 'app0', value: [COOKIE, (PORT << 8) | 0xff] },
    { map: 'socket_cookies', cgroup: 'app1', value: [COOKIE, (PORT << 8) | 0xff] },
  );

/** `*ptr += 1` on a get(F_CREATE) of `map`, skipped when NULL. */
const incr = (map: string): string[] => [
  `call get map=${map} cg=current flags=F_CREATE`,
  'jnull r0 +3',
  'ld r1 [r0+0]',
  'add r1 1',
  'st [r0+0] r1',
];

/**
 * `selftest-recursion`: sys_enter creates in two maps on several CPUs while fentry
 * programs on bpf_local_storage_update and _lookup nest more gets and deletes on the
 * same CPU. The selftest checks only that nothing deadlocks; in E1 every nested helper
 * finds the busy counter held (`nested-helper-failed`).
 */
export const selftestRecursion = scenario('selftest-recursion')
  .describe('cgrp_local_storage recursion: fentry on storage update/lookup nests helpers; no deadlock')
  .kernel('6.2')
  .expect('pass')
  .param('cpus', { default: 2, min: 1, max: 4, description: 'CPUs running sys_enter' })
  .cgroup('root')
  .cgroup('app', { parent: 'root' })
  .map('map_a', { type: 'cgrp_storage', valueSize: 8 })
  .map('map_b', { type: 'cgrp_storage', valueSize: 8 })
  .program('on_enter', {
    type: 'tp_btf',
    attach: 'sys_enter',
    insns: [
      'call get map=map_a cg=current flags=F_CREATE',
      'jnull r0 +1',
      'st [r0+0] 200',
      'call get map=map_b cg=current flags=F_CREATE',
      'jnull r0 +1',
      'st [r0+0] 100',
      'exit 0',
    ],
  })
  .program('on_lookup', {
    type: 'fentry',
    attach: 'bpf_local_storage_lookup',
    insns: ['call delete map=map_a cg=current', 'call delete map=map_b cg=current', 'exit 0'],
  })
  .program('on_update', {
    type: 'fentry',
    attach: 'bpf_local_storage_update',
    insns: [...incr('map_a'), ...incr('map_b'), 'exit 0'],
  })
  .trace('on_lookup')
  .trace('on_update')
  .cpus('$cpus', { cgroup: 'app', run: [{ program: 'on_enter' }] })
  .reachability('nested-helper-failed');

/** cgrp_ls_sleepable.c: record the cgroup id in the storage the program just got (bss slot 1 there). */
const recordId = (cg: string): string[] => ['jnull r0 out', 'mov r6 r0', `cgid r1 cg=${cg}`, 'st [r6+0] r1'];

/** Two cgroups, each with a task running `program`; map_a of each ends holding the cgroup's id. */
function sleepable(name: string, description: string, v1: boolean) {
  return scenario(name)
    .describe(description)
    .kernel('6.2')
    .expect('pass')
    .cgroup('root', v1 ? { v1: true } : {})
    .cgroup('app0', { parent: 'root' })
    .cgroup('app1', { parent: 'root' })
    .map('map_a', { type: 'cgrp_storage', valueSize: 8 })
    .user('test', [
      { op: 'lookup', map: 'map_a', cgroup: 'app0' },
      { op: 'lookup', map: 'map_a', cgroup: 'app1' },
    ])
    .expectFinal({ map: 'map_a', cgroup: 'app0', value: [2] }, { map: 'map_a', cgroup: 'app1', value: [3] });
}

/** `selftest-cgroup-iter-sleepable`: iter.s/cgroup runs for two cgroups at once; get(F_CREATE) succeeds. */
export const selftestCgroupIterSleepable = sleepable(
  'selftest-cgroup-iter-sleepable',
  'cgrp_local_storage cgroup_iter_sleepable: iter.s/cgroup creates storage for two cgroups at once',
  false,
)
  .program('cgroup_iter', {
    type: 'iter',
    attach: 'cgroup',
    sleepable: true,
    insns: [
      'cgid r1 cg=ctx',
      'jeq r1 0 out',
      'call get map=map_a cg=ctx flags=F_CREATE',
      ...recordId('ctx'),
      'out:',
      'exit 0',
    ],
  })
  .cpu('reader0', { cgroup: 'app0', run: [{ program: 'cgroup_iter' }] })
  .cpu('reader1', { cgroup: 'app1', run: [{ program: 'cgroup_iter' }] });

/** `selftest-yes-rcu-lock`: sleepable fentry under bpf_rcu_read_lock uses task->cgroups->dfl_cgrp. */
export const selftestYesRcuLock = sleepable(
  'selftest-yes-rcu-lock',
  'cgrp_local_storage yes_rcu_lock: sleepable fentry under bpf_rcu_read_lock on two CPUs',
  false,
)
  .program('yes_rcu_lock', {
    type: 'fentry',
    attach: 'sys_getpgid',
    sleepable: true,
    insns: [
      'call rcu_read_lock',
      'call get map=map_a cg=current flags=F_CREATE',
      ...recordId('current'),
      'out:',
      'call rcu_read_unlock',
      'exit 0',
    ],
  })
  .cpu('task0', { cgroup: 'app0', run: [{ program: 'yes_rcu_lock' }] })
  .cpu('task1', { cgroup: 'app1', run: [{ program: 'yes_rcu_lock' }] });

/** `selftest-cgrp1-no-rcu-lock`: an acquired bpf_task_get_cgroup1() pointer needs no RCU section. */
export const selftestCgrp1NoRcuLock = sleepable(
  'selftest-cgrp1-no-rcu-lock',
  'cgrp_local_storage cgrp1_no_rcu_lock: sleepable fentry with bpf_task_get_cgroup1 on two v1 cgroups',
  true,
)
  .program('cgrp1_no_rcu_lock', {
    type: 'fentry',
    attach: 'sys_getpgid',
    sleepable: true,
    insns: [
      'cgid r1 cg=acquired_cgroup1',
      'jeq r1 0 out',
      'call get map=map_a cg=acquired_cgroup1 flags=F_CREATE',
      ...recordId('acquired_cgroup1'),
      'out:',
      'exit 0',
    ],
  })
  .cpu('task0', { cgroup: 'app0', run: [{ program: 'cgrp1_no_rcu_lock' }] })
  .cpu('task1', { cgroup: 'app1', run: [{ program: 'cgrp1_no_rcu_lock' }] });
