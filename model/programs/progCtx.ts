/**
 * What a program run sees of its context, shared by the interpreters of the
 * instruction language (interpreter.ts) and of eBPF (ebpf/ebpfRun.ts).
 */
import type { BpfCgRunCtx } from '../cgroup/cgroupBpfTypes.js';
import type { CgroupId } from '../core/ids.js';

/** What a run sees of its context: cgroups its arguments resolve to, scalar fields, the cgroup run context. */
export interface ProgCtx {
  /** task_dfl_cgroup(current), for cg=current. */
  readonly currentCgroup?: CgroupId | null;
  /** The context's own cgroup (iter ctx->cgroup, sk->sk_cgrp_data), for cg=ctx. */
  readonly cgroup?: CgroupId | null;
  /** bpf_task_get_cgroup1(current, hid), for cg=acquired_cgroup1. */
  readonly cgroup1?: CgroupId | null;
  /** Scalar fields for ldctx (local_port, family, op, cookie, ...); missing fields read 0. */
  readonly fields?: Readonly<Record<string, number>>;
  /** struct bpf_cg_run_ctx, set by bpf_prog_run_array_cg (model/cgroup/cgroupBpf.ts). */
  readonly cgRunCtx?: BpfCgRunCtx;
}

/** MAX_TAIL_CALL_CNT (include/linux/bpf.h). */
export const MAX_TAIL_CALL_CNT = 33;
