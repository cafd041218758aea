/*
 * The kernel types cgrpcheck's BPF fixtures use, written for this project (not
 * generated from vmlinux). Struct members carry preserve_access_index, so clang
 * records every field access as a CO-RE relocation (.BTF.ext) that cgrpcheck
 * resolves against the objects it models: a member the model lacks is a load
 * error naming the type and the field.
 */
#ifndef CGRPCHECK_BPF_H
#define CGRPCHECK_BPF_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;

/* include/uapi/linux/bpf.h */
enum bpf_map_type {
	BPF_MAP_TYPE_CGROUP_STORAGE = 19,
	BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE = 21,
	BPF_MAP_TYPE_CGRP_STORAGE = 32,
};

enum {
	BPF_F_NO_PREALLOC = 1,
};

enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1,
};

struct bpf_cgroup_storage_key {
	__u64 cgroup_inode_id;
	__u32 attach_type;
};

/* include/linux/kernfs.h */
struct kernfs_node {
	__u64 id;
} __attribute__((preserve_access_index));

/* include/linux/cgroup-defs.h */
struct cgroup {
	struct kernfs_node *kn;
	int level;
} __attribute__((preserve_access_index));

struct css_set {
	struct cgroup *dfl_cgrp;
} __attribute__((preserve_access_index));

/* include/linux/sched.h */
struct task_struct {
	int pid;
	struct css_set *cgroups;
} __attribute__((preserve_access_index));

#include <bpf/bpf_helpers.h>

/* task->cgroups->dfl_cgrp: the task's cgroup on the default hierarchy. */
static __always_inline struct cgroup *current_dfl_cgrp(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return task->cgroups->dfl_cgrp;
}

#endif
