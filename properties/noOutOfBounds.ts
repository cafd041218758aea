/**
 * `out-of-bounds`: no access past the end of an object: a program given another
 * map's smaller storage (historical bug 2, CVE-2025-38502) or a list head read as
 * a storage (historical bug 8, 5828b9e5b272).
 */

import { createMemoryFaultProperty } from './memoryFault.js';
import type { Property } from './property.js';

export const OUT_OF_BOUNDS = 'out-of-bounds';

/** Creates the property: the first recorded out-of-bounds access. */
export function createNoOutOfBounds(): Property {
  return createMemoryFaultProperty(
    OUT_OF_BOUNDS,
    'out-of-bounds',
    'no access past the end of an object (CVE-2025-38502, 5828b9e5b272)',
    (k, f) => {
      const what = k.memory.objects.get(f.obj)?.label;
      return `${f.by} accessed ${f.label}${what === undefined ? '' : ` of ${what} (${f.obj})`}: out of bounds`;
    },
  );
}
