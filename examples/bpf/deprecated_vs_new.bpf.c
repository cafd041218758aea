// SPDX-License-Identifier: GPL-2.0
/*
 * The NEW map (BPF_MAP_TYPE_CGRP_STORAGE), created, counted and deleted by a tracing
 * program, beside the DEPRECATED map (BPF_MAP_TYPE_CGROUP_STORAGE) that only
 * cgroup_skb programs reach through bpf_get_local_storage().
 */
#include "cgrpcheck.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, long);
} new SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_STORAGE);
	__type(key, struct bpf_cgroup_storage_key);
	__type(value, long);
} old SEC(".maps");

SEC("tp_btf/sys_enter")
int count_and_drop(void *ctx)
{
	struct cgroup *cgrp = current_dfl_cgrp();
	long *ptr;

	ptr = bpf_cgrp_storage_get(&new, cgrp, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ptr)
		__sync_fetch_and_add(ptr, 1);
	bpf_cgrp_storage_delete(&new, cgrp);
	return 0;
}

SEC("cgroup_skb/egress")
int skb_count(struct __sk_buff *skb)
{
	long *ptr = bpf_get_local_storage(&old, 0);

	__sync_fetch_and_add(ptr, 1);
	return 1;
}

SEC("cgroup_skb/egress")
int skb_peek(struct __sk_buff *skb)
{
	volatile long *ptr = bpf_get_local_storage(&old, 0);

	return *ptr >= 0 ? 1 : 1;
}

char _license[] SEC("license") = "GPL";
