/** `no-use-after-free` (invariant 6): nothing touches an object after it was freed. */

import { createMemoryFaultProperty } from './memoryFault.js';
import type { Property } from './property.js';

export const NO_USE_AFTER_FREE = 'no-use-after-free';

/** Creates the property: the first recorded use-after-free, naming who used and who freed. */
export function createNoUseAfterFree(): Property {
  return createMemoryFaultProperty(
    NO_USE_AFTER_FREE,
    'use-after-free',
    'no access to an object after it was freed (invariant 6)',
    (_k, f) => `${f.by} used ${f.label} (${f.obj}) after ${f.freedBy} freed it`,
  );
}
