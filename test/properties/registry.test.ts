/** The registry's lists, pinned: which ids exist, which are always on, and the alias vocabulary. */
import { describe, expect, it } from 'vitest';
import {
  ALWAYS_ON,
  createProperty,
  PROPERTY_ALIASES,
  PROPERTY_IDS,
  SCHEDULER_IDS,
} from '../../properties/index.js';

describe('property registry, pinned', () => {
  it('every property id, in registry order', () => {
    expect(PROPERTY_IDS).toEqual([
      'no-use-after-free',
      'no-double-free',
      'out-of-bounds',
      'no-null-deref',
      'lock-order',
      'busy-counter',
      'single-element',
      'double-link',
      'owner-pointer',
      'cache-valid',
      'free-after-gp',
      'no-errno-from-get',
      'delete-errno',
      'zeroed-or-initial',
      'get-next-key-notsupp',
      'map-free-clean',
      'e3-single-free',
      'no-leak',
      'atomic-add',
      'null-on-absent',
      'get-never-creates-without-flag',
      'update-flags',
      'cleanup-on-free',
      'no-create-on-dying',
      'deprecated-semantics',
      'get-finds-prealloc',
      'no-spurious-null',
      'no-spurious-create-failure',
      'update-replace',
      'no-lock-while-busy',
    ]);
  });

  it('the 20 always-on ids: memory safety, structure, returns, teardown, leaks, invariants 16 and 18', () => {
    expect(ALWAYS_ON).toEqual([
      'no-use-after-free',
      'no-double-free',
      'out-of-bounds',
      'no-null-deref',
      'lock-order',
      'busy-counter',
      'single-element',
      'double-link',
      'owner-pointer',
      'cache-valid',
      'free-after-gp',
      'no-errno-from-get',
      'delete-errno',
      'zeroed-or-initial',
      'get-next-key-notsupp',
      'map-free-clean',
      'e3-single-free',
      'no-leak',
      'update-replace',
      'no-lock-while-busy',
    ]);
    expect(SCHEDULER_IDS).toEqual(['no-deadlock', 'no-livelock']);
  });

  it('the KERNEL-SEMANTICS section 7 names, each building its canonical property', () => {
    expect(PROPERTY_ALIASES).toEqual({
      'one-element-per-key': 'single-element',
      'linked-consistently': 'double-link',
      'owner-iff-elements': 'owner-pointer',
      'free-after-grace': 'free-after-gp',
      'map-free-complete': 'map-free-clean',
      'get-returns-pointer': 'no-errno-from-get',
      'get-without-create': 'get-never-creates-without-flag',
      'value-initialised': 'zeroed-or-initial',
      'update-errno': 'update-flags',
      'busy-released': 'busy-counter',
      'single-teardown': 'e3-single-free',
      'deprecated-storage-pointer': 'deprecated-semantics',
    });
    for (const [alias, id] of Object.entries(PROPERTY_ALIASES))
      expect([alias, createProperty(alias)?.description]).toEqual([alias, createProperty(id)?.description]);
  });
});
