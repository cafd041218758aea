/** Every invariant id a scenario may name: the model properties and the scheduler's own verdicts. */
import { FINAL_VALUE } from '../../properties/finalValue.js';
import { PROPERTY_IDS } from '../../properties/index.js';
import { DEADLOCK_INVARIANT, LIVELOCK_INVARIANT } from '../../scheduler/execute.js';
import { OP_RESULT } from './expectations.js';
import { HELPER_RESULT } from './helperExpectations.js';

/** Ids `check` and `expect` accept, in a stable order. */
export const KNOWN_INVARIANT_IDS: readonly string[] = [
  ...PROPERTY_IDS,
  // Built by the compiler from a scenario's expectFinal, so not in the registry.
  FINAL_VALUE,
  // Built by the compiler from the operations' `expect`.
  OP_RESULT,
  // Built by the compiler from the programs' `expectCalls`.
  HELPER_RESULT,
  DEADLOCK_INVARIANT,
  LIVELOCK_INVARIANT,
];
