import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../cli/values.js';
import { STRATEGY_NAMES } from '../../scenarios/format/vocabulary.js';

describe('strategy names', () => {
  it('--strategy accepts exactly the strategies a scenario budget may name (and the schema lists)', () => {
    expect(STRATEGIES).toStrictEqual(STRATEGY_NAMES);
  });
});
