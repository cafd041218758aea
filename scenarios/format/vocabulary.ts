/**
 * The closed word lists of the scenario format: every enum a scenario file may
 * use. The schema (schema.ts) is built from them, and the shipped
 * scenario.schema.json is generated from the schema.
 */
import { ERRNO_NAMES } from '../../model/core/errno.js';

/** Kernel versions a scenario may name, one per era (E1, E2, E3; see model/core/era.ts). */
export const KERNEL_VERSIONS = ['6.2', '6.15', '7.0'] as const;

/** Map types: BPF_MAP_TYPE_CGRP_STORAGE and the two deprecated cgroup storages. */
export const MAP_TYPES = ['cgrp_storage', 'cgroup_storage', 'percpu_cgroup_storage'] as const;

/** Key layout of a deprecated map: per (cgroup, attach type), or per cgroup. */
export const STORAGE_KEYS = ['isolated', 'shared'] as const;

/**
 * Program types. Tracing programs (all BPF_PROG_TYPE_TRACING but iter's
 * target) go by their libbpf section prefix; cgroup programs by enum bpf_prog_type.
 */
export const PROGRAM_TYPES = [
  'tp_btf',
  'fentry',
  'fexit',
  'kprobe',
  'iter',
  'lsm',
  'lsm_cgroup',
  'cgroup_skb',
  'cgroup_sock',
  'cgroup_sock_addr',
  'sock_ops',
  'cgroup_device',
  'cgroup_sysctl',
  'cgroup_sockopt',
] as const;

/** Cgroup attach points (enum bpf_attach_type, short names), by the program type that attaches there. */
export const ATTACH_POINTS_OF = {
  cgroup_skb: ['ingress', 'egress'],
  cgroup_sock: ['sock_create'],
  cgroup_sock_addr: ['connect4', 'connect6'],
  sock_ops: ['sock_ops'],
  cgroup_device: ['device'],
  cgroup_sysctl: ['sysctl'],
  cgroup_sockopt: ['getsockopt', 'setsockopt'],
} as const;

/** Every cgroup attach point, plus lsm_cgroup (BPF_LSM_CGROUP), in a stable order. */
export const ATTACH_TYPES = [
  'ingress',
  'egress',
  'sock_create',
  'connect4',
  'connect6',
  'sock_ops',
  'device',
  'sysctl',
  'getsockopt',
  'setsockopt',
  'lsm_cgroup',
] as const;

/** Program types that trace actors may attach: their `attach` is a kernel function. */
export const TRACE_PROGRAM_TYPES = ['fentry', 'fexit', 'kprobe'] as const;

/** Kernel functions a trace actor's program may hook by default (the model fires these). */
export const TRACE_HOOKS = [
  'bpf_local_storage_update',
  'bpf_local_storage_lookup',
  'bpf_local_storage_alloc',
  'bpf_selem_alloc',
  'bpf_selem_unlink',
  'bpf_selem_unlink_storage_nolock',
  'bpf_local_storage_destroy',
  'bpf_local_storage_map_free',
  'bpf_cgrp_storage_free',
  'cgroup_storage_ptr',
] as const;

/** Actor kinds: a task running programs on a CPU, a userspace thread, a tracing program. */
export const ACTOR_KINDS = ['cpu', 'user', 'trace'] as const;

/** Userspace operations (bpf(2) commands and cgroup/map lifetime events). */
export const OPS = [
  'lookup',
  'update',
  'delete',
  'get-next-key',
  'rmdir',
  'close-map',
  'attach',
  'detach',
  'migrate',
  'run',
] as const;

/** The fd a cgrp_storage command passes: the cgroup's open fd, that fd closed, or a regular file's. */
export const FD_KINDS = ['open', 'closed', 'file'] as const;

/** How a cpu actor's task belongs to its cgroup: a member until it exits, or already past cgroup_exit. */
export const TASK_STATES = ['exiting', 'member'] as const;

/** Results an expectation may name besides integers: every errno the model returns, negated. */
export const ERRNO_RESULTS = ERRNO_NAMES.map((n) => `-${n}`) as unknown as readonly [string, ...string[]];

/** Strategies a budget may name (the engine's StrategyName). */
export const STRATEGY_NAMES = ['random', 'pct', 'dpor', 'dfs', 'bounded'] as const;

/** Flags of BPF_MAP_LOOKUP_ELEM. */
export const LOOKUP_FLAGS = ['BPF_F_LOCK'] as const;

/** Flags of BPF_MAP_UPDATE_ELEM, OR-ed together; bad combinations are kernel behaviour (-EINVAL). */
export const UPDATE_FLAGS = ['BPF_ANY', 'BPF_NOEXIST', 'BPF_EXIST', 'BPF_F_LOCK'] as const;

/**
 * Instruction mnemonics (model/programs/bpfProgramParse.ts owns the full grammar; this
 * is a superset so that a light check never rejects what the parser accepts).
 */
export const INSN_MNEMONICS = [
  'call',
  'jnull',
  'jnotnull',
  'jeq',
  'jne',
  'jgt',
  'jge',
  'jlt',
  'jle',
  'ja',
  'ld',
  'st',
  'ldctx',
  'cgid',
  'mov',
  'add',
  'sub',
  'mul',
  'or',
  'and',
  'lsh',
  'rsh',
  'atomic_add',
  'spin_lock',
  'spin_unlock',
  'tail_call',
  'exit',
] as const;

/** Pre-fix kernel behaviours `options.bugs` may select (KERNEL-SEMANTICS section 6). */
export const KNOWN_BUGS = [
  'percpu-storage-pointer', // 6.1, the 5.14 NULL dereference
  'tail-call-storage-mismatch', // 6.2, CVE-2025-38502
  'map-free-unguarded', // 6.3, before c78f4afbd962
  'unlink-without-handshake', // 6.6, before 5d800f87d0a5
  'create-on-dying', // 6.7, no percpu_ref_is_dying() guard
  'get-next-key-past-end', // 6.8, before 5828b9e5b272
] as const;

/** The most CPUs a scenario may use (model/kernel/kernel.ts MAX_CPUS). */
export const MAX_CPUS = 64;
/** The most kworker threads a scenario may ask for (options.kworkers). */
export const MAX_KWORKERS = 4;
/** The largest value size the model allocates, in bytes. */
export const MAX_VALUE_SIZE = 4096;
/** The most times one run step or trace actor may repeat. */
export const MAX_TIMES = 1000;
