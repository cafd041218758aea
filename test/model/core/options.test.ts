import { describe, expect, it } from 'vitest';
import { MAX_CPUS, resolveModelOptions } from '../../../model/core/options.js';

describe('model options', () => {
  it('the defaults: E1 on 2 CPUs, no failure injection, no historical bug, map_free guarded by the busy counter', () => {
    expect(resolveModelOptions()).toStrictEqual({
      era: 'E1',
      cpus: 2,
      isLockTimeoutPossible: false,
      isAllocFailurePossible: false,
      hasCgroupStoragePerCpuPtrBug: false,
      hasTailCallStorageCookieBug: false,
      hasCgroupStorageNextKeyBug: false,
      isMapFreeBusyGuarded: true,
      hasCreateOnDyingBug: false,
      hasUnlinkWithoutHandshakeBug: false,
    });
  });

  it('every switch given is kept, the opposite of its default', () => {
    expect(
      resolveModelOptions({
        era: 'E3',
        cpus: 3,
        isLockTimeoutPossible: true,
        isAllocFailurePossible: true,
        hasCgroupStoragePerCpuPtrBug: true,
        hasTailCallStorageCookieBug: true,
        hasCgroupStorageNextKeyBug: true,
        isMapFreeBusyGuarded: false,
        hasCreateOnDyingBug: true,
        hasUnlinkWithoutHandshakeBug: true,
      }),
    ).toStrictEqual({
      era: 'E3',
      cpus: 3,
      isLockTimeoutPossible: true,
      isAllocFailurePossible: true,
      hasCgroupStoragePerCpuPtrBug: true,
      hasTailCallStorageCookieBug: true,
      hasCgroupStorageNextKeyBug: true,
      isMapFreeBusyGuarded: false,
      hasCreateOnDyingBug: true,
      hasUnlinkWithoutHandshakeBug: true,
    });
  });

  it('cpus must be an integer in 1..64 (object ids pack the CPU)', () => {
    expect(MAX_CPUS).toBe(64);
    expect(resolveModelOptions({ cpus: 1 }).cpus).toBe(1);
    expect(resolveModelOptions({ cpus: 64 }).cpus).toBe(64);
    expect(() => resolveModelOptions({ cpus: 0 })).toThrow('cpus must be 1..64, got 0');
    expect(() => resolveModelOptions({ cpus: 65 })).toThrow('cpus must be 1..64, got 65');
    expect(() => resolveModelOptions({ cpus: 1.5 })).toThrow('cpus must be 1..64, got 1.5');
  });
});
