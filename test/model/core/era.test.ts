import { describe, expect, it } from 'vitest';
import { ERA_VERSIONS, eraOfVersion, hasBusyCounter } from '../../../model/core/era.js';

describe('kernel eras of BPF_MAP_TYPE_CGRP_STORAGE', () => {
  it('6.2–6.14 are E1, 6.15–6.19 are E2, 7.0 and later are E3 (the busy counter went with 7.0)', () => {
    const versions = ['6.2', '6.9', '6.14', '6.15', '6.19', '7.0', '7.1', '8.0', '16.2'];
    expect(versions.map(eraOfVersion)).toEqual(['E1', 'E1', 'E1', 'E2', 'E2', 'E3', 'E3', 'E3', 'E3']);
  });

  it('kernels before 6.2 have no BPF_MAP_TYPE_CGRP_STORAGE: no era', () => {
    expect(['6.1', '6.0', '5.15', '5.2', '4.20'].map(eraOfVersion)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('a version that is not exactly MAJOR.MINOR has no era', () => {
    expect(['', 'abc', 'v6.2', '6.2.1', '6.2-rc1', '6', '.2', '6.'].map(eraOfVersion)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('the version users give for each era maps back to it', () => {
    expect(ERA_VERSIONS).toEqual({ E1: '6.2', E2: '6.15', E3: '7.0' });
    expect(eraOfVersion(ERA_VERSIONS.E1)).toBe('E1');
    expect(eraOfVersion(ERA_VERSIONS.E2)).toBe('E2');
    expect(eraOfVersion(ERA_VERSIONS.E3)).toBe('E3');
  });

  it('only E1 and E2 have the per-CPU bpf_cgrp_storage_busy counter', () => {
    expect([hasBusyCounter('E1'), hasBusyCounter('E2'), hasBusyCounter('E3')]).toEqual([true, true, false]);
  });
});
