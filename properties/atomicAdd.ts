/**
 * `atomic-add`: no increment is lost. For every value object (a NEW-map element,
 * a deprecated storage buffer, a program's global data) and every slot that
 * programs incremented, the final value equals its base (the value at
 * allocation, after the last plain store, or after an in-place userspace copy)
 * plus the increments that ran on it since. A userspace update that replaces an
 * element makes a new object with its own count.
 */
import type { ActorId, ObjId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { actorName, objName, plural } from './names.js';
import { type Property, type Violation, violation } from './property.js';
import { type SlotLedger, syncLedgerAtEnd, syncLedgerAtStep } from './stepLedger.js';

export const ATOMIC_ADD = 'atomic-add';

/** A slot that ended below (or above) its base plus its increments. */
export interface LostIncrements {
  readonly obj: ObjId;
  readonly slot: number;
  readonly final: number;
  readonly ledger: SlotLedger;
}

/** The first incremented slot whose final value differs from base + increments, in allocation order. */
export function findLostIncrements(k: Kernel): LostIncrements | undefined {
  for (const [obj, ol] of syncLedgerAtEnd(k).objects) {
    for (const [slot, sl] of ol.slots) {
      if (sl.base === undefined || sl.increments === 0) continue;
      const final = k.memory.objects.get(obj)?.data?.[slot];
      if (final !== undefined && final !== sl.base + sl.total) return { obj, slot, final, ledger: sl };
    }
  }
  return undefined;
}

/** Creates the property; its per-execution memory lives in the kernel's step ledger. */
export function createAtomicAdd(): Property {
  return {
    id: ATOMIC_ADD,
    description:
      'each incremented value slot ends at its initial (or last stored) value plus the increments that ran on it',
    checkStep(k) {
      syncLedgerAtStep(k);
      return undefined;
    },
    checkEnd(k): Violation | undefined {
      const lost = findLostIncrements(k);
      return lost === undefined ? undefined : violation(ATOMIC_ADD, describeLost(k, lost));
    },
  };
}

/** `element 2000003 of map counters for cgroup app ends at 5 but 6 increments ran on it (1 lost: …)`. */
export function describeLost(k: Kernel, l: LostIncrements): string {
  const sl = l.ledger;
  const base = sl.base ?? 0;
  const where = `${l.slot === 0 ? '' : `slot ${l.slot} of `}${objName(k, l.obj)}`;
  const from =
    sl.baseKind === 'start'
      ? base === 0
        ? ''
        : ` from its initial ${base}`
      : sl.baseKind === 'store'
        ? ` after a store of ${base}`
        : ` after userspace copied in ${base}`;
  const adding = sl.total === sl.increments ? '' : ` adding ${sl.total}`;
  const diff = base + sl.total - l.final;
  const why = diff > 0 ? `${diff} lost${lostBecause(k, sl.loads)}` : `${-diff} more than added`;
  return `${where} ends at ${l.final} but ${plural(sl.increments, 'increment')} ran on it${from}${adding} (${why})`;
}

/** `: cpu0 and cpu1 both loaded 3` for non-atomic increments that loaded the same value. */
function lostBecause(k: Kernel, loads: readonly { actor: ActorId; loaded: number }[]): string {
  const parts: string[] = [];
  const seen = new Set<number>();
  for (const { loaded } of loads) {
    if (seen.has(loaded)) continue;
    seen.add(loaded);
    const who = loads.filter((l) => l.loaded === loaded).map((l) => actorName(k, l.actor));
    if (who.length < 2) continue;
    const names = who.length === 2 ? `${who[0]} and ${who[1]} both` : `${who.join(', ')} all`;
    parts.push(`${names} loaded ${loaded}`);
  }
  return parts.length === 0 ? '' : `: ${parts.join('; ')}`;
}
