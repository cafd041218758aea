// SPDX-License-Identifier: GPL-2.0
/*
 * From the kernel selftest cgrp_ls_sleepable.c (tools/testing/selftests/bpf/progs):
 * a sleepable fentry program may use task->cgroups->dfl_cgrp only inside
 * bpf_rcu_read_lock() (yes_rcu_lock); outside it the pointer is untrusted and the
 * load is refused (no_rcu_lock).
 */
#include "cgrpcheck.bpf.h"

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, long);
} map_a SEC(".maps");

SEC("fentry.s/sys_getpgid")
int yes_rcu_lock(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cgroup *cgrp;
	long *ptr;

	bpf_rcu_read_lock();
	cgrp = task->cgroups->dfl_cgrp;
	ptr = bpf_cgrp_storage_get(&map_a, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ptr)
		*ptr = cgrp->kn->id;
	bpf_rcu_read_unlock();
	return 0;
}

SEC("fentry.s/sys_getpgid")
int no_rcu_lock(void *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	long *ptr;

	ptr = bpf_cgrp_storage_get(&map_a, task->cgroups->dfl_cgrp, 0,
				   BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ptr)
		*ptr = 1;
	return 0;
}

char _license[] SEC("license") = "GPL";
