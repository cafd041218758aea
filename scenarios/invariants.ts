/** Every invariant id a scenario may name: the model properties and the scheduler's own verdicts. */
import { PROPERTY_IDS } from '../properties/index.js';
import { DEADLOCK_INVARIANT, LIVELOCK_INVARIANT } from '../scheduler/execute.js';

/** Ids `check` and `expect` accept, in a stable order. */
export const KNOWN_INVARIANT_IDS: readonly string[] = [
  ...PROPERTY_IDS,
  DEADLOCK_INVARIANT,
  LIVELOCK_INVARIANT,
];
