/**
 * The budget a catalogue entry's expected verdict is checked with (the catalogue
 * test and `cgrpcheck list --json` readers): an entry that needs more declares its
 * own `budget`, whose fields override these.
 */
import type { ScenarioInfo, StrategyName } from '../engine/engine.js';

/** Random exploration, 300 executions, a fixed seed. */
export const CATALOGUE_BUDGET: {
  readonly strategy: StrategyName;
  readonly runs: number;
  readonly seed: string;
} = { strategy: 'random', runs: 300, seed: 'catalogue' };

/** An entry's budget: its own `budget` fields over CATALOGUE_BUDGET. */
export function catalogueBudgetOf(info: ScenarioInfo): typeof CATALOGUE_BUDGET {
  return { ...CATALOGUE_BUDGET, ...info.budget };
}
