// SPDX-License-Identifier: GPL-2.0
/* The documentation's counter written as `*ptr += 1`: a load, an add and a store. */
#include "cgrpcheck.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, long);
} counters SEC(".maps");

SEC("tp_btf/sys_enter")
int count(void *ctx)
{
	long *ptr;

	ptr = bpf_cgrp_storage_get(&counters, current_dfl_cgrp(), 0,
				   BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ptr)
		*ptr += 1;
	return 0;
}

char _license[] SEC("license") = "GPL";
