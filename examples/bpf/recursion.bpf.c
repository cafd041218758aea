// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel selftest cgrp_ls_recursion.c (tools/testing/selftests/bpf/progs): fentry
 * programs on the storage code itself nest more helper calls on the same CPU.
 */
#include "cgrpcheck.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, long);
} map_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, long);
} map_b SEC(".maps");

SEC("fentry/bpf_local_storage_lookup")
int on_lookup(void *ctx)
{
	struct cgroup *cgrp = current_dfl_cgrp();

	bpf_cgrp_storage_delete(&map_a, cgrp);
	bpf_cgrp_storage_delete(&map_b, cgrp);
	return 0;
}

SEC("fentry/bpf_local_storage_update")
int on_update(void *ctx)
{
	struct cgroup *cgrp = current_dfl_cgrp();
	long *ptr;

	ptr = bpf_cgrp_storage_get(&map_a, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ptr)
		*ptr += 1;
	ptr = bpf_cgrp_storage_get(&map_b, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ptr)
		*ptr += 1;
	return 0;
}

SEC("tp_btf/sys_enter")
int on_enter(void *ctx)
{
	struct cgroup *cgrp = current_dfl_cgrp();
	long *ptr;

	ptr = bpf_cgrp_storage_get(&map_a, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ptr)
		*ptr = 200;
	ptr = bpf_cgrp_storage_get(&map_b, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ptr)
		*ptr = 100;
	return 0;
}

char _license[] SEC("license") = "GPL";
