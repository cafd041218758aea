/**
 * The shape of a historical-bug pair (KERNEL-SEMANTICS section 6): two catalogue
 * entries built from one base, differing only in what restores the pre-fix kernel.
 */
import type { ScenarioBuilder } from '../format/builder.js';
import { scenario } from '../format/builder.js';
import type { BudgetDef } from '../format/types.js';

/**
 * `<name>-before` (expects the invariant the bug broke) and `<name>-after` (expects
 * pass), both from `base` and both with `budget`; `before.change` adds what restores
 * the pre-fix kernel, `after.change` what the fixed one needs (an era, options).
 */
export function pair(
  name: string,
  budget: BudgetDef,
  base: (b: ScenarioBuilder) => ScenarioBuilder,
  before: {
    readonly describe: string;
    readonly expect: string;
    readonly change: (b: ScenarioBuilder) => ScenarioBuilder;
  },
  after: { readonly describe: string; readonly change?: (b: ScenarioBuilder) => ScenarioBuilder },
): [ScenarioBuilder, ScenarioBuilder] {
  const b = before
    .change(base(scenario(`${name}-before`)))
    .describe(before.describe)
    .expect(before.expect)
    .budget(budget);
  const a = (after.change ?? ((x) => x))(base(scenario(`${name}-after`)))
    .describe(after.describe)
    .expect('pass')
    .budget(budget);
  return [b, a];
}

/** Restores pre-fix behaviours by their `options.bugs` names. */
export const bugs =
  (...names: readonly string[]) =>
  (b: ScenarioBuilder) =>
    b.options({ bugs: names });
