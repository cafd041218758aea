/**
 * What a program's storage helper calls return (`expectCalls`): the
 * `helper-result` property for exact results and allowed sets, and
 * reachability goals for `reachable`. The kernel reports each return through
 * its onHelperReturn hook, set only when a scenario states such a result.
 */

import { errnoOfName } from '../../model/core/errno.js';
import type { Kernel } from '../../model/kernel/kernel.js';
import { lineOfPc } from '../../model/programs/bpfProgramParse.js';
import type { Property, Reachability, Violation } from '../../properties/property.js';
import type { ResolvedScenarioDef } from '../format/resolvedTypes.js';
import { showResult } from './expectations.js';

/** The invariant a helper call's unexpected result violates. */
export const HELPER_RESULT = 'helper-result';

type HelperRet = number | 'NULL' | 'pointer';

/** One expected call: the program, its line in `insns`, and what it may return. */
interface CallSite {
  readonly where: string;
  readonly expect: NonNullable<ResolvedScenarioDef['programs'][number]['expectCalls']>[number]['expect'];
}

const helperValue = (r: number | string): HelperRet =>
  typeof r === 'number' || r === 'NULL' || r === 'pointer' ? r : -(errnoOfName(r.slice(1)) ?? Number.NaN);
const show = (r: HelperRet): string => (typeof r === 'number' ? showResult(r) : r);

/** The calls a scenario states results for, by `${program}#${pc}`. */
function callSites(def: ResolvedScenarioDef): Map<string, CallSite> {
  const sites = new Map<string, CallSite>();
  for (const p of def.programs) {
    const lines = lineOfPc(p.insns);
    for (const c of p.expectCalls ?? []) {
      const pc = lines.indexOf(c.insn);
      sites.set(`${p.name}#${pc}`, {
        where: `${p.name}.insns[${c.insn}] (${p.insns[c.insn]!.trim()})`,
        expect: c.expect,
      });
    }
  }
  return sites;
}

/** Records every expected call's result in `log`, and returns the checks: a property and goals. */
export function helperExpectations(
  def: ResolvedScenarioDef,
  k: Kernel,
): { property: Property | undefined; goals: Reachability[] } {
  const sites = callSites(def);
  if (sites.size === 0) return { property: undefined, goals: [] };
  const log: { key: string; actor: string; ret: HelperRet }[] = [];
  k.onHelperReturn = (actor, prog, pc, ret) => {
    const key = `${prog}#${pc}`;
    if (sites.has(key)) log.push({ key, actor: actor.name, ret });
  };
  let seen = 0;
  let found: Violation | undefined;
  const check = (): Violation | undefined => {
    for (; seen < log.length && found === undefined; seen++) {
      const r = log[seen]!;
      const site = sites.get(r.key)!;
      const e = site.expect;
      if (typeof e === 'object' && 'reachable' in e) continue;
      const allowed = (typeof e === 'object' ? e.anyOf : [e]).map(helperValue);
      if (allowed.includes(r.ret)) continue;
      const want = allowed.length === 1 ? show(allowed[0]!) : `one of ${allowed.map(show).join(', ')}`;
      found = {
        invariant: HELPER_RESULT,
        message: `${r.actor}: ${site.where} returned ${show(r.ret)}; the scenario expects ${want}`,
      };
    }
    return found;
  };
  const goals: Reachability[] = [];
  for (const [key, site] of sites) {
    const e = site.expect;
    if (typeof e !== 'object' || !('reachable' in e)) continue;
    for (const r of e.reachable) {
      const want = helperValue(r);
      goals.push({
        id: `${site.where} returns ${show(want)}`,
        description: 'a helper call returns this result in some execution',
        isReached: () => log.some((x) => x.key === key && x.ret === want),
      });
    }
  }
  const hasExact = [...sites.values()].some(
    (s) => typeof s.expect !== 'object' || !('reachable' in s.expect),
  );
  const property: Property | undefined = hasExact
    ? {
        id: HELPER_RESULT,
        description: 'every storage helper call with an expectation returns an expected result',
        checkStep: check,
        checkEnd: check,
      }
    : undefined;
  return { property, goals };
}
