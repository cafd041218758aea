/**
 * `no-null-deref`: no NULL pointer is dereferenced, e.g. the pre-5.14
 * bpf_get_local_storage() returning NULL to a program that never checks it.
 */

import { createMemoryFaultProperty } from './memoryFault.js';
import type { Property } from './property.js';

export const NO_NULL_DEREF = 'no-null-deref';

/** Creates the property: the first recorded NULL dereference. */
export function createNoNullDeref(): Property {
  return createMemoryFaultProperty(
    NO_NULL_DEREF,
    'null-deref',
    'no NULL pointer dereference (5.14 bpf_get_local_storage fix)',
    (_k, f) => `${f.by} dereferenced NULL (${f.label})`,
  );
}
