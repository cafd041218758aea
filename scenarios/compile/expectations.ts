/**
 * A scenario's exact expectations as checks: what each userspace operation
 * returns (`expect` on an op: the `op-result` property, or reachability goals
 * for `reachable`), final values some execution must show (`expectFinal`
 * `reachable`), and the log of results and returned operations that ordering
 * between actors (`after`) waits on.
 */
import { errnoName, errnoOfName } from '../../model/core/errno.js';
import type { ObjId } from '../../model/core/ids.js';
import type { Kernel } from '../../model/kernel/kernel.js';
import { type FinalExpectation, finalValueOf } from '../../properties/finalValue.js';
import type { Property, Reachability, Violation } from '../../properties/property.js';
import type { ResolvedScenarioDef, ResolvedUserOp } from '../format/resolvedTypes.js';
import type { OpResultDef } from '../format/types.js';

/** The invariant an operation's unexpected result violates. */
export const OP_RESULT = 'op-result';

/** One operation of a scenario: who runs it, where it is in the file, what it looks like. */
interface OpSite {
  /** `setup[0]`, or the actor and the op's index: `reader ops[1]`. */
  readonly where: string;
  readonly label: string;
  readonly op: ResolvedUserOp;
}

/** What one world's operations returned, and which named operations have returned (for `after`). */
export class OpLog {
  /** Results in the order they returned; `site` indexes the scenario's op sites. */
  readonly results: { readonly site: string; readonly ret: number }[] = [];
  readonly returned = new Set<string>();
  /** The object a named operation's return writes and its waiters wait on, by `actor.op`. */
  readonly doneObjs = new Map<string, ObjId>();
}

/** `0`, `-ENOENT`. */
export const showResult = (ret: number): string => (ret < 0 ? `-${errnoName(-ret)}` : String(ret));

/** An expected result as a number: `-ENOENT` → −2. */
export function resultValue(r: OpResultDef): number {
  return typeof r === 'number' ? r : -(errnoOfName(r.slice(1)) ?? Number.NaN);
}

/** `lookup counters[app]`, `rmdir app`, `migrate sleeper to root`. */
export function opLabel(op: ResolvedUserOp): string {
  switch (op.op) {
    case 'rmdir':
      return `rmdir ${op.cgroup}`;
    case 'migrate':
      return `migrate ${op.task} to ${op.cgroup}`;
    case 'run':
      return `run ${op.program} in ${op.cgroup}`;
    case 'attach':
    case 'detach':
      return `${op.op} ${op.program} to ${op.cgroup}`;
    case 'close-map':
      return `close-map ${op.map}`;
    case 'get-next-key':
      return `get-next-key ${op.map}${op.cgroup === undefined ? '' : `[${op.cgroup}]`}`;
    default: {
      const fd = 'fd' in op && op.fd !== undefined && op.fd !== 'open' ? ` with a ${op.fd} fd` : '';
      return `${op.op} ${op.map}[${op.cgroup}${op.attachType === undefined ? '' : `, ${op.attachType}`}]${fd}`;
    }
  }
}

/** Every operation with its site key: `setup[0]`, `actors[1].ops[0]` (by the resolved actor's name). */
export function opSites(def: ResolvedScenarioDef): Map<string, OpSite> {
  const sites = new Map<string, OpSite>();
  def.setup.forEach((op, i) => {
    sites.set(`setup#${i}`, { where: `setup[${i}]`, label: opLabel(op), op });
  });
  for (const a of def.actors) {
    if (a.kind !== 'user') continue;
    a.ops.forEach((op, i) => {
      sites.set(`${a.name}#${i}`, { where: `${a.name} ops[${i}]`, label: opLabel(op), op });
    });
  }
  return sites;
}

/** The results an op may return, or undefined when any result is fine. */
function allowedOf(op: ResolvedUserOp): number[] | undefined {
  const e = op.expect;
  if (e === undefined || (typeof e === 'object' && 'reachable' in e)) return undefined;
  return typeof e === 'object' ? e.anyOf.map(resultValue) : [resultValue(e)];
}

function mismatch(site: OpSite, ret: number): Violation | undefined {
  const allowed = allowedOf(site.op);
  if (allowed === undefined || allowed.includes(ret)) return undefined;
  const want = allowed.map(showResult);
  const expected = want.length === 1 ? want[0] : `one of ${want.join(', ')}`;
  return {
    invariant: OP_RESULT,
    message: `${site.where} (${site.label}) returned ${showResult(ret)}; the scenario expects ${expected}`,
  };
}

/** The `op-result` property of one world, or undefined when no op states an allowed result. */
export function opResultProperty(def: ResolvedScenarioDef, log: OpLog): Property | undefined {
  const sites = opSites(def);
  if (![...sites.values()].some((s) => allowedOf(s.op) !== undefined)) return undefined;
  let seen = 0;
  // The first mismatch, kept: the setup's results are checked by a call whose answer is dropped.
  let found: Violation | undefined;
  const check = (from: number): Violation | undefined => {
    for (let i = from; i < log.results.length && found === undefined; i++) {
      const r = log.results[i]!;
      found = mismatch(sites.get(r.site)!, r.ret);
    }
    return found;
  };
  return {
    id: OP_RESULT,
    description: 'every userspace operation with an `expect` returns an expected result',
    checkStep() {
      const from = seen;
      seen = log.results.length;
      return from === seen ? found : check(from);
    },
    checkEnd: () => check(0),
  };
}

/** Reachability goals: each `reachable` result of an op, each `reachable` final value. */
export function expectationGoals(
  def: ResolvedScenarioDef,
  log: OpLog,
  finals: readonly FinalExpectation[],
): Reachability[] {
  const goals: Reachability[] = [];
  for (const [key, site] of opSites(def)) {
    const e = site.op.expect;
    if (typeof e !== 'object' || !('reachable' in e)) continue;
    for (const r of e.reachable) {
      const want = resultValue(r);
      goals.push({
        id: `${site.where} (${site.label}) returns ${showResult(want)}`,
        description: 'an operation returns this result in some execution',
        isReached: () => log.results.some((x) => x.site === key && x.ret === want),
      });
    }
  }
  def.expectFinal.forEach((f, i) => {
    for (const w of f.reachable ?? []) {
      const e = finals[i]!;
      const key = `${f.map}[${f.cgroup}${f.attachType === undefined ? '' : `, ${f.attachType}`}]`;
      goals.push({
        id: `${key} ends ${w === undefined ? 'with no entry' : `holding [${w.join(', ')}]`}`,
        description: 'a key ends holding this value in some execution',
        isReached: (k: Kernel) => sameWords(finalValueOf(k, e), w),
      });
    }
  });
  return goals;
}

/** Equal values, or both absent; missing words are zero. */
export function sameWords(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return false;
  return true;
}
