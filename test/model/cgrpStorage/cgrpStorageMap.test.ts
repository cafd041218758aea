import { describe, expect, it } from 'vitest';
import { bpfCgrpStorageFree } from '../../../model/cgrpStorage/cgrpStorage.js';
import {
  BPF_F_CLONE,
  BPF_F_NO_PREALLOC,
  BPF_LOCAL_STORAGE_MAX_VALUE_SIZE,
  cgrpStorageMapCreate,
  cgrpStorageMapFree,
} from '../../../model/cgrpStorage/cgrpStorageMap.js';
import { E2BIG, EINVAL, EPERM, err } from '../../../model/core/errno.js';
import type { MapId } from '../../../model/core/ids.js';
import { Kernel } from '../../../model/kernel/kernel.js';
import { smapOf } from '../../../model/localStorage/localStorage.js';
import { start } from '../driver.js';
import { makeWorld, runWithWorkers } from '../world.js';

describe('BPF_MAP_TYPE_CGRP_STORAGE map_create', () => {
  const create = (attr: Partial<Parameters<typeof cgrpStorageMapCreate>[1]>) =>
    cgrpStorageMapCreate(new Kernel(), { name: 'm', valueSize: 8, ...attr });

  it.each([
    ['no CAP_BPF', { hasCapBpf: false }, EPERM],
    ['no BPF_F_NO_PREALLOC', { mapFlags: 0 }, EINVAL],
    ['an unknown flag', { mapFlags: BPF_F_NO_PREALLOC | 2 }, EINVAL],
    ['max_entries 1', { maxEntries: 1 }, EINVAL],
    ['key size 8', { keySize: 8 }, EINVAL],
    ['value size 0', { valueSize: 0 }, EINVAL],
    ['no BTF', { hasBtf: false }, EINVAL],
    ['a value over the max', { valueSize: BPF_LOCAL_STORAGE_MAX_VALUE_SIZE + 1 }, E2BIG],
    ['a non-int BTF key', { isKeyI32: false }, EINVAL],
  ] as const)('%s → errno %i', (_what, attr, errno) => {
    expect(create(attr)).toEqual(err(errno));
  });

  it('accepts NO_PREALLOC|CLONE and the max value size; 65407 bytes is 8176 slots', () => {
    const k = new Kernel({ cpus: 3 });
    const r = cgrpStorageMapCreate(k, {
      name: 'big',
      valueSize: BPF_LOCAL_STORAGE_MAX_VALUE_SIZE,
      mapFlags: BPF_F_NO_PREALLOC | BPF_F_CLONE,
    });
    expect(r.ok).toBe(true);
    const smap = smapOf(k, (r as { value: MapId }).value);
    expect(BPF_LOCAL_STORAGE_MAX_VALUE_SIZE).toBe(65407);
    expect(smap.buckets).toHaveLength(4); // roundup_pow_of_two(3 CPUs)
    expect(smap).toMatchObject({ type: 'cgrp_storage', id: 1, cacheIdx: 0, refcnt: 1, isLive: true });
    expect(k.cgroups.onFree).toEqual([bpfCgrpStorageFree]);
  });

  it('cache indexes go to the least used slot: 16 maps take 0..15, the 17th reuses 0, a freed one is reused', () => {
    const w = makeWorld(); // two maps already: idx 0 and 1
    const ids = [w.map, w.map2];
    for (let i = 2; i < 17; i++) {
      const r = cgrpStorageMapCreate(w.k, { name: `m${i}`, valueSize: 8 });
      if (r.ok) ids.push(r.value);
    }
    expect(ids.map((id) => smapOf(w.k, id).cacheIdx)).toEqual([...Array(16).keys(), 0]);
    expect(w.k.cgroups.onFree).toHaveLength(1);
    expect(runWithWorkers(w, [start(w.k, w.kw, cgrpStorageMapFree(w.k, w.kw, ids[5]!))])).toBe(true);
    expect(smapOf(w.k, ids[5]!).isLive).toBe(false);
    const r = cgrpStorageMapCreate(w.k, { name: 'again', valueSize: 8 });
    expect(r.ok && smapOf(w.k, r.value).cacheIdx).toBe(5);
  });
});
