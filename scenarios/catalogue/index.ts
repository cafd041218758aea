/**
 * The built-in catalogue: every named scenario, in the order `cgrpcheck list`
 * prints them. Each entry is validated once, when first asked for.
 */
import type { ScenarioBuilder } from '../format/builder.js';
import {
  deleteFromProgram,
  docCounter,
  docCounterRacy,
  nullOnAbsent,
  rmdirWhileCounting,
} from './docCounter.js';

/** Every catalogue entry's builder, in listing order. */
export const CATALOGUE: readonly ScenarioBuilder[] = [
  docCounter,
  docCounterRacy,
  nullOnAbsent,
  deleteFromProgram,
  rmdirWhileCounting,
];
