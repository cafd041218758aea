// SPDX-License-Identifier: GPL-2.0
/*
 * One program counts in its cgroup's storage, another deletes it. The increment is
 * a BPF-to-BPF call into .text, and the deletes are counted in global data (.bss).
 */
#include "cgrpcheck.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, long);
} counters SEC(".maps");

long deletes;

static __attribute__((noinline)) int bump(long *ptr)
{
	if (!ptr)
		return 0;
	__sync_fetch_and_add(ptr, 1);
	return 1;
}

SEC("tp_btf/sys_enter")
int count(void *ctx)
{
	return bump(bpf_cgrp_storage_get(&counters, current_dfl_cgrp(), 0,
					 BPF_LOCAL_STORAGE_GET_F_CREATE)) - 1;
}

SEC("tp_btf/sys_exit")
int drop(void *ctx)
{
	if (bpf_cgrp_storage_delete(&counters, current_dfl_cgrp()) == 0)
		__sync_fetch_and_add(&deletes, 1);
	return 0;
}

char _license[] SEC("license") = "GPL";
