/** `no-double-free`: every object is freed at most once. */

import { createMemoryFaultProperty } from './memoryFault.js';
import type { Property } from './property.js';

export const NO_DOUBLE_FREE = 'no-double-free';

/** Creates the property: the first recorded double free, naming both freers. */
export function createNoDoubleFree(): Property {
  return createMemoryFaultProperty(
    NO_DOUBLE_FREE,
    'double-free',
    'no object is freed twice (invariant 5)',
    (_k, f) => `${f.by} freed ${f.label} (${f.obj}) again; ${f.freedBy} had already freed it`,
  );
}
