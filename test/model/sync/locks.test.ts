import { describe, expect, it } from 'vitest';
import { lockAcquire, lockRelease } from '../../../model/sync/locks.js';
import { runOp, start } from '../driver.js';
import { makeWorld } from '../world.js';

function world() {
  const w = makeWorld();
  const [mutex, bucket] = [...w.k.locks.locks.keys()] as [never, never];
  return { ...w, mutex, bucket };
}

describe('lock steps', () => {
  it('lock and unlock are steps of their own: acquire then release, labelled by the lock', () => {
    const w = world();
    const acq = start(w.k, w.a, lockAcquire(w.k, w.a, w.bucket));
    expect(acq.next).toStrictEqual({
      label: 'lock m1 bucket 0',
      accesses: [{ kind: 'acquire', obj: w.bucket }],
      blocker: { kind: 'lock', lock: w.bucket },
    });
    acq.run();
    expect(w.k.locks.get(w.bucket)).toMatchObject({ holder: w.a.id, holderCpu: 0 });
    const relStep = start(w.k, w.a, lockRelease(w.k, w.a, w.bucket, [{ kind: 'write', obj: 5 as never }]));
    expect(relStep.next).toStrictEqual({
      label: 'unlock m1 bucket 0',
      accesses: [
        { kind: 'release', obj: w.bucket },
        { kind: 'write', obj: 5 },
      ],
    });
    relStep.run();
    expect(w.k.locks.isFree(w.bucket)).toBe(true);
  });

  it('inside a storage helper (E1/E2) an owner or bucket acquisition is a helper-lock observation with the CPU busy count', () => {
    const w = world();
    w.a.helperFrames = [{ helper: 'bpf_cgrp_storage_get', holdsBusy: true }];
    w.k.cpus[0]!.busy = 1;
    runOp(w.k, w.a, lockAcquire(w.k, w.a, w.mutex));
    expect(w.k.observations).toEqual([]);
    runOp(w.k, w.a, lockAcquire(w.k, w.a, w.bucket));
    expect(w.k.observations).toEqual([
      {
        kind: 'helper-lock',
        actor: w.a.id,
        lock: w.bucket,
        cls: 'bucket',
        helper: 'bpf_cgrp_storage_get',
        busy: 1,
        holdsBusy: true,
        isHeldByInterrupted: false,
      },
    ]);
  });

  it('outside any helper nothing is observed', () => {
    const w = world();
    w.a.helperFrames = [];
    runOp(w.k, w.a, lockAcquire(w.k, w.a, w.bucket));
    expect(w.k.observations).toEqual([]);
    expect(start(w.k, w.a, lockRelease(w.k, w.a, w.bucket)).next).toStrictEqual({
      label: 'unlock m1 bucket 0',
      accesses: [{ kind: 'release', obj: w.bucket }],
    });
  });

  it('a nested helper taking a lock its interrupted context holds: the attempt is observed before it self-deadlocks', () => {
    const w = world();
    runOp(w.k, w.a, lockAcquire(w.k, w.a, w.bucket));
    w.a.helperFrames = [
      { helper: 'bpf_cgrp_storage_get', holdsBusy: true },
      { helper: 'bpf_cgrp_storage_delete', holdsBusy: false },
    ];
    const again = start(w.k, w.a, lockAcquire(w.k, w.a, w.bucket));
    expect(again.isReady()).toBe(false);
    expect(w.k.observations).toEqual([
      {
        kind: 'helper-lock',
        actor: w.a.id,
        lock: w.bucket,
        cls: 'bucket',
        helper: 'bpf_cgrp_storage_delete',
        busy: 0,
        holdsBusy: false,
        isHeldByInterrupted: true,
      },
    ]);
  });
});
