import { describe, expect, it } from 'vitest';
import { isConflicting, isConflictingAccess } from '../../scheduler/happensBefore.js';
import { type Access, toTaskId } from '../../scheduler/task.js';

describe('task ids', () => {
  it('brands a non-negative integer and refuses anything else', () => {
    expect([toTaskId(0), toTaskId(7)]).toEqual([0, 7]);
    expect(() => toTaskId(-1)).toThrow('task id must be a non-negative integer, got -1');
    expect(() => toTaskId(1.5)).toThrow('task id must be a non-negative integer, got 1.5');
  });
});

describe('conflicting accesses (the dependence DPOR uses)', () => {
  const kinds: Access['kind'][] = ['read', 'write', 'atomic', 'acquire', 'release'];
  it('two accesses of one object conflict unless both read or both update atomically', () => {
    const table = kinds.map((x) =>
      kinds.map((y) => (isConflictingAccess({ kind: x, obj: 1 }, { kind: y, obj: 1 }) ? 'X' : '.')).join(''),
    );
    // rows and columns: read, write, atomic, acquire, release
    expect(table).toEqual(['.XXXX', 'XXXXX', 'XX.XX', 'XXXXX', 'XXXXX']);
    expect(isConflictingAccess({ kind: 'write', obj: 1 }, { kind: 'write', obj: 2 })).toBe(false);
  });

  it('two footprints conflict when any pair of their accesses does', () => {
    const r1: Access = { kind: 'read', obj: 1 };
    const w1: Access = { kind: 'write', obj: 1 };
    const w2: Access = { kind: 'write', obj: 2 };
    expect([
      isConflicting([r1, w2], [r1]),
      isConflicting([r1, w2], [w2]),
      isConflicting([], [w1]),
      isConflicting([r1], [w1, w2]),
    ]).toEqual([false, true, false, true]);
  });
});
