/**
 * The shared reader of k.memory.faults for the memory-safety properties: each
 * property reports the first fault of its kind appended since its last check.
 */

import type { MemoryFault } from '../model/core/memory.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { LogCursor } from './observationCursor.js';
import type { Property, Violation } from './property.js';
import { violation } from './property.js';

/** A property over one kind of recorded memory fault; `explain` words the message. */
export function createMemoryFaultProperty(
  id: string,
  kind: MemoryFault['kind'],
  description: string,
  explain: (k: Kernel, f: MemoryFault) => string,
): Property {
  const cursor = new LogCursor();
  const check = (k: Kernel): Violation | undefined => {
    const faults = k.memory.faults;
    for (let i = cursor.advance(k, faults.length); i < faults.length; i++) {
      const f = faults[i]!;
      if (f.kind === kind) return violation(id, explain(k, f));
    }
    return undefined;
  };
  // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fault through its LogCursor; false costs time, never a verdict
  return { id, description, checkStep: check, checkEnd: check, isFactDriven: true, factLog: 'faults' };
}
