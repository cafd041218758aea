/**
 * File descriptors of the simulated process, and resolving a cgroup fd the way
 * the cgroup storage syscalls do (kernel/cgroup/cgroup.c). The fd table belongs
 * to the process, so reading it is never a shared access.
 */
import type { KernelEra } from './era.js';
import { EBADF, ENOENT, err, OK0, ok, type Result } from './errno.js';
import { asFd, type CgroupId, type Fd } from './ids.js';
import type { Kernel } from './kernel.js';

/** What an open fd refers to. */
export type FdEntry = { readonly kind: 'cgroup'; readonly cg: CgroupId } | { readonly kind: 'other' };

/** The process's fd table. */
export class Fds {
  private readonly table = new Map<Fd, FdEntry>();
  /** 0–2 are stdio. */
  private nextFd = 3;

  constructor(private readonly k: Kernel) {}

  /** open() of a cgroup directory; throws if it was removed (bad setup input). */
  openCgroup(cg: CgroupId): Fd {
    const c = this.k.cgroups.get(cg);
    if (c.state !== 'online') throw new Error(`open ${c.name}: removed`);
    return this.install({ kind: 'cgroup', cg });
  }

  /** open() of anything that is not a cgroup directory (a regular file, a socket). */
  openNonCgroup(): Fd {
    return this.install({ kind: 'other' });
  }

  /** close(): -EBADF for an fd that is not open. */
  close(fd: Fd): Result<0> {
    return this.table.delete(fd) ? OK0 : err(EBADF);
  }

  /** The cgroup an fd names, if it is an open cgroup directory. */
  cgroupOf(fd: Fd): CgroupId | undefined {
    const e = this.table.get(fd);
    return e?.kind === 'cgroup' ? e.cg : undefined;
  }

  private install(e: FdEntry): Fd {
    const fd = asFd(this.nextFd++);
    this.table.set(fd, e);
    return fd;
  }
}

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
 * Callers run it inside a step declaring rmw(cgroup refObj): a tryget commutes
 * with other gets and puts, which leave the dying flag alone.
 */
export function cgroupGetFromFd(k: Kernel, fd: Fd, isV1Accepted = isV1FdAccepted(k.era)): Result<CgroupId> {
  const cg = k.fds.cgroupOf(fd);
  if (cg === undefined) return err(EBADF);
  const c = k.cgroups.get(cg);
  if (c.isDying || c.state === 'freed') return err(ENOENT);
  if (c.isV1 && !isV1Accepted) return err(EBADF); // checked after the tryget, as cgroup_get_from_file()
  k.memory.use(c.obj, 'cgroup_get_from_fd');
  c.refcnt++;
  return ok(cg);
}
