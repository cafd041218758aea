/**
 * The simulated process's fd table. It belongs to the process, so reading it
 * is never a shared access.
 */

import { EBADF, err, OK0, type Result } from '../core/errno.js';
import { asFd, type CgroupId, type Fd } from '../core/ids.js';
import type { Cgroups } from './cgroupTable.js';

/** What an open fd refers to. */
export type FdEntry = { readonly kind: 'cgroup'; readonly cg: CgroupId } | { readonly kind: 'other' };

/** The process's fd table. */
export class Fds {
  private readonly table = new Map<Fd, FdEntry>();
  /** 0–2 are stdio. */
  private nextFd = 3;

  /** `cgroups` is the hierarchy whose directories the process opens. */
  constructor(private readonly cgroups: Cgroups<unknown>) {}

  /** open() of a cgroup directory; throws if it was removed (bad setup input). */
  openCgroup(cg: CgroupId): Fd {
    const c = this.cgroups.get(cg);
    if (c.state !== 'online') throw new Error(`open ${c.name}: removed`);
    return this.install({ kind: 'cgroup', cg });
  }

  /** open() of anything that is not a cgroup directory (a regular file, a socket). */
  openNonCgroup(): Fd {
    // Stryker disable next-line ObjectLiteral,StringLiteral: only kind 'cgroup' is ever tested; any other entry reads as a non-cgroup fd
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
