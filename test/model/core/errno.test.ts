import { describe, expect, it } from 'vitest';
import { EBUSY, ENOENT, ENOTSUPP, ERRNO_NAMES, errnoName, errnoOfName } from '../../../model/core/errno.js';

describe('errno names (include/uapi/asm-generic/errno*.h)', () => {
  it('every errno the model returns, in errno order', () => {
    expect(ERRNO_NAMES).toEqual([
      'EPERM',
      'ENOENT',
      'ESRCH',
      'E2BIG',
      'EBADF',
      'EAGAIN',
      'ENOMEM',
      'EACCES',
      'EBUSY',
      'EEXIST',
      'EINVAL',
      'EDEADLK',
      'ETIMEDOUT',
      'ENOTSUPP',
    ]);
  });

  it('errnoOfName: ENOENT is 2, EBUSY 16, the kernel-internal ENOTSUPP 524; an unknown name is undefined', () => {
    expect(errnoOfName('ENOENT')).toBe(ENOENT);
    expect(errnoOfName('EBUSY')).toBe(EBUSY);
    expect(errnoOfName('ENOTSUPP')).toBe(524);
    expect(errnoOfName('ENOSPC')).toBeUndefined();
    expect(errnoOfName('enoent')).toBeUndefined();
  });

  it('errnoName: the symbolic name, or E<n> for an errno the model never returns', () => {
    expect(errnoName(2)).toBe('ENOENT');
    expect(errnoName(ENOTSUPP)).toBe('ENOTSUPP');
    expect(errnoName(28)).toBe('E28');
    expect(ERRNO_NAMES.every((n) => errnoName(errnoOfName(n)!) === n)).toBe(true);
  });
});
