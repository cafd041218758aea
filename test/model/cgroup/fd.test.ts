import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import { cgroupGetFromFd, isV1FdAccepted } from '../../../model/cgroup/fd.js';
import { EBADF, ENOENT, err, ok } from '../../../model/core/errno.js';
import { asFd } from '../../../model/core/ids.js';
import { runOp } from '../driver.js';
import { makeWorld } from '../world.js';

describe('fds', () => {
  it('numbers fds from 3; close twice → -EBADF', () => {
    const w = makeWorld();
    expect(w.fd).toBe(3);
    const f = w.k.fds.openNonCgroup();
    expect(f).toBe(4);
    expect(w.k.fds.cgroupOf(w.fd)).toBe(w.cg);
    expect(w.k.fds.cgroupOf(f)).toBeUndefined();
    expect(w.k.fds.close(f)).toEqual(ok(0));
    expect(w.k.fds.close(f)).toEqual(err(EBADF));
  });

  it('cgroup_get_from_fd: -EBADF for bad and non-cgroup fds, a reference on success', () => {
    const w = makeWorld();
    expect(cgroupGetFromFd(w.k, asFd(42))).toEqual(err(EBADF));
    expect(cgroupGetFromFd(w.k, w.k.fds.openNonCgroup())).toEqual(err(EBADF));
    expect(cgroupGetFromFd(w.k, w.fd)).toEqual(ok(w.cg));
    expect(w.k.cgroups.get(w.cg).refcnt).toBe(2);
  });

  it('a removed cgroup → -ENOENT (css_tryget_online_from_dir), even when v1', () => {
    const w = makeWorld();
    runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg));
    expect(cgroupGetFromFd(w.k, w.fd)).toEqual(err(ENOENT));
  });

  it('a v1 fd: -EBADF on the v2-only path, accepted by cgroup_v1v2_get_from_fd', () => {
    const w = makeWorld();
    const v1 = w.k.cgroups.mkdir(w.k.cgroups.mkdir(null, 'v1root', { isV1: true }), 'v1');
    const fd = w.k.fds.openCgroup(v1);
    expect(cgroupGetFromFd(w.k, fd, false)).toEqual(err(EBADF));
    expect(w.k.cgroups.get(v1).refcnt).toBe(1);
    expect(cgroupGetFromFd(w.k, fd, true)).toEqual(ok(v1));
    expect([isV1FdAccepted('E1'), isV1FdAccepted('E2'), isV1FdAccepted('E3')]).toEqual([false, true, true]);
  });

  it('opening a removed cgroup is bad setup input', () => {
    const w = makeWorld();
    runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg2));
    expect(() => w.k.fds.openCgroup(w.cg2)).toThrow('open cg2: removed');
  });
});
