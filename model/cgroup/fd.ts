/**
 * File descriptors of the simulated process, and resolving a cgroup fd the way
 * the cgroup storage syscalls do (kernel/cgroup/cgroup.c). The fd table belongs
 * to the process, so reading it is never a shared access.
 */
import type { KernelEra } from '../core/era.js';
import { EBADF, ENOENT, err, ok, type Result } from '../core/errno.js';
import type { CgroupId, Fd } from '../core/ids.js';
import type { Kernel } from '../kernel/kernel.js';

export type { FdEntry } from './fdTable.js';
export { Fds } from './fdTable.js';

/**
 * True where the cgroup storage syscalls resolve fds with cgroup_v1v2_get_from_fd():
 * since 73d9eb340d2b ("bpf: Enable bpf_cgrp_storage for cgroup1 non-attach case",
 * v6.8). E1 is modelled as its first version, 6.2, with v2-only cgroup_get_from_fd().
 */
export function isV1FdAccepted(era: KernelEra): boolean {
  return era !== 'E1';
}

/**
 * Models cgroup_v1v2_get_from_fd() (or, when `isV1Accepted` is false, the v2-only
 * cgroup_get_from_fd()) with css_tryget_online_from_dir(): a bad or non-cgroup fd
 * → -EBADF; a cgroup whose self ref is dying (rmdir) → -ENOENT; a v1 cgroup on the
 * v2-only path → -EBADF. On success it takes a reference the caller must put.
 * Callers run it inside a step declaring rmw(cgroup refObj) and rd(dyingObj): a
 * tryget commutes with other gets and live puts, which leave the dying flag alone.
 */
export function cgroupGetFromFd(k: Kernel, fd: Fd, isV1Accepted = isV1FdAccepted(k.era)): Result<CgroupId> {
  const cg = k.fds.cgroupOf(fd);
  if (cg === undefined) return err(EBADF);
  const c = k.cgroups.get(cg);
  // Stryker disable next-line StringLiteral: a freed cgroup is always dying (only rmdir's percpu_ref_kill leads to the free), so the 'freed' test never decides
  if (c.isDying || c.state === 'freed') return err(ENOENT);
  if (c.isV1 && !isV1Accepted) return err(EBADF); // checked after the tryget, as cgroup_get_from_file()
  // Stryker disable next-line StringLiteral: the use cannot fault here (a freed cgroup is dying and returned -ENOENT above), so the label is never printed
  k.memory.use(c.obj, 'cgroup_get_from_fd');
  c.refcnt++;
  return ok(cg);
}
