/**
 * How a user checks their own BPF program with @fast-check/vitest: generate
 * scenarios around it and assert every generated case runs without violation.
 */
import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { assertCase, caseArbitrary, checkGenerated } from '../../../scenarios/generate/index.js';

/** `p = bpf_cgrp_storage_get(&counters, cg, 0, F_CREATE); if (p) __sync_fetch_and_add(p, 1);` */
const MY_COUNTER = [
  'call get map=counters cg=current flags=F_CREATE',
  'jnull r0 out',
  'atomic_add [r0+0] 1',
  'out:',
  'exit 0',
];

/** The same counter written `*p += 1`. */
const MY_RACY_COUNTER = [
  'call get map=counters cg=current flags=F_CREATE',
  'jnull r0 out',
  'ld r1 [r0+0]',
  'add r1 1',
  'st [r0+0] r1',
  'out:',
  'exit 0',
];

describe('checking your own program', () => {
  // The program runs beside menu programs that peek at and delete the storage, with
  // userspace lookups, updates and deletes, on every era; any violation fails the test.
  test.prop(
    [caseArbitrary({ programs: [MY_COUNTER, 'peek', 'delete'], userOps: ['lookup', 'update', 'delete'] })],
    {
      numRuns: 60,
    },
  )('my atomic counter never loses an increment', (c) => {
    assertCase(c);
  });

  it('the racy version fails with the shrunk scenario and its trace in the message', () => {
    let message = '';
    try {
      checkGenerated({
        programs: [MY_RACY_COUNTER],
        userOps: [],
        eras: ['6.2'],
        maxCpus: 2,
        params: { numRuns: 1000 },
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('generated case fails: atomic-add');
    expect(message).toContain('program custom (tp_btf/sys_enter): call get map=counters');
    expect(message).toContain('cpu0 in app: custom\ncpu1 in app: custom\n');
    expect(message).toContain('--- trace ---');
    expect(message).toContain('"name": "generated"');
  });
});
