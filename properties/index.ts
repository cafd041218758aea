/**
 * The property registry: every invariant id a scenario may `check` or `expect`,
 * the ones every scenario checks, and the reachability goals. Factories build
 * fresh instances, so a property's per-execution memory never crosses executions:
 * call createProperty / createReachability once per execution.
 */
import { ATOMIC_ADD, createAtomicAdd } from './atomicAdd.js';
import { BUSY_COUNTER, createBusyCounter } from './busyCounter.js';
import { CACHE_VALID, createCacheValid } from './cacheValid.js';
import { CLEANUP_ON_FREE, createCleanupOnFree } from './cleanupOnFree.js';
import { createDeleteErrno, DELETE_ERRNO } from './deleteErrno.js';
import { createDeprecatedSemantics, DEPRECATED_SEMANTICS } from './deprecatedSemantics.js';
import { createDoubleLink, DOUBLE_LINK } from './doubleLink.js';
import { createE3SingleFree, E3_SINGLE_FREE } from './e3SingleFree.js';
import { createFreeAfterGracePeriod, FREE_AFTER_GP } from './freeAfterGracePeriod.js';
import { createGetFindsPrealloc, GET_FINDS_PREALLOC } from './getFindsPrealloc.js';
import {
  createGetNeverCreatesWithoutFlag,
  GET_NEVER_CREATES_WITHOUT_FLAG,
} from './getNeverCreatesWithoutFlag.js';
import { createGetNextKeyNotsupp, GET_NEXT_KEY_NOTSUPP } from './getNextKeyNotsupp.js';
import { createLockOrder, LOCK_ORDER } from './lockOrder.js';
import { createMapFreeClean, MAP_FREE_CLEAN } from './mapFreeClean.js';
import { createNoCreateOnDying, NO_CREATE_ON_DYING } from './noCreateOnDying.js';
import { createNoDoubleFree, NO_DOUBLE_FREE } from './noDoubleFree.js';
import { createNoErrnoFromGet, NO_ERRNO_FROM_GET } from './noErrnoFromGet.js';
import { createNoLeak, NO_LEAK } from './noLeak.js';
import { createNoLockWhileBusy, NO_LOCK_WHILE_BUSY } from './noLockWhileBusy.js';
import { createNoNullDeref, NO_NULL_DEREF } from './noNullDeref.js';
import { createNoOutOfBounds, OUT_OF_BOUNDS } from './noOutOfBounds.js';
import { createNoSpuriousCreateFailure, NO_SPURIOUS_CREATE_FAILURE } from './noSpuriousCreateFailure.js';
import { createNoSpuriousNull, NO_SPURIOUS_NULL } from './noSpuriousNull.js';
import { createNoUseAfterFree, NO_USE_AFTER_FREE } from './noUseAfterFree.js';
import { createNullOnAbsent, NULL_ON_ABSENT } from './nullOnAbsent.js';
import { createOwnerPointer, OWNER_POINTER } from './ownerPointer.js';
import type { Property, Reachability } from './property.js';
import { createReachabilityGoal, GOAL_IDS } from './reachability.js';
import { NO_DEADLOCK, NO_LIVELOCK, SCHEDULER_VERDICTS } from './schedulerVerdicts.js';
import { createSingleElement, SINGLE_ELEMENT } from './singleElement.js';
import { createUpdateFlags, UPDATE_FLAGS } from './updateFlags.js';
import { createUpdateReplace, UPDATE_REPLACE } from './updateReplace.js';
import { createZeroedOrInitial, ZEROED_OR_INITIAL } from './zeroedOrInitial.js';

export { NO_DEADLOCK, NO_LIVELOCK, SCHEDULER_VERDICTS };

const FACTORIES: ReadonlyMap<string, () => Property> = new Map([
  [NO_USE_AFTER_FREE, createNoUseAfterFree],
  [NO_DOUBLE_FREE, createNoDoubleFree],
  [OUT_OF_BOUNDS, createNoOutOfBounds],
  [NO_NULL_DEREF, createNoNullDeref],
  [LOCK_ORDER, createLockOrder],
  [BUSY_COUNTER, createBusyCounter],
  [SINGLE_ELEMENT, createSingleElement],
  [DOUBLE_LINK, createDoubleLink],
  [OWNER_POINTER, createOwnerPointer],
  [CACHE_VALID, createCacheValid],
  [FREE_AFTER_GP, createFreeAfterGracePeriod],
  [NO_ERRNO_FROM_GET, createNoErrnoFromGet],
  [DELETE_ERRNO, createDeleteErrno],
  [ZEROED_OR_INITIAL, createZeroedOrInitial],
  [GET_NEXT_KEY_NOTSUPP, createGetNextKeyNotsupp],
  [MAP_FREE_CLEAN, createMapFreeClean],
  [E3_SINGLE_FREE, createE3SingleFree],
  [NO_LEAK, createNoLeak],
  [ATOMIC_ADD, createAtomicAdd],
  [NULL_ON_ABSENT, createNullOnAbsent],
  [GET_NEVER_CREATES_WITHOUT_FLAG, createGetNeverCreatesWithoutFlag],
  [UPDATE_FLAGS, createUpdateFlags],
  [CLEANUP_ON_FREE, createCleanupOnFree],
  [NO_CREATE_ON_DYING, createNoCreateOnDying],
  [DEPRECATED_SEMANTICS, createDeprecatedSemantics],
  [GET_FINDS_PREALLOC, createGetFindsPrealloc],
  [NO_SPURIOUS_NULL, createNoSpuriousNull],
  [NO_SPURIOUS_CREATE_FAILURE, createNoSpuriousCreateFailure],
  [UPDATE_REPLACE, createUpdateReplace],
  [NO_LOCK_WHILE_BUSY, createNoLockWhileBusy],
]);

/**
 * Other names for the same claims (the KERNEL-SEMANTICS section 7 names).
 * createProperty(alias) builds the canonical property reporting under the alias, so
 * a scenario's `expect` matches the violation it gets.
 */
export const PROPERTY_ALIASES: Readonly<Record<string, string>> = {
  'one-element-per-key': SINGLE_ELEMENT,
  'linked-consistently': DOUBLE_LINK,
  'owner-iff-elements': OWNER_POINTER,
  'free-after-grace': FREE_AFTER_GP,
  'map-free-complete': MAP_FREE_CLEAN,
  'get-returns-pointer': NO_ERRNO_FROM_GET,
  'get-without-create': GET_NEVER_CREATES_WITHOUT_FLAG,
  'value-initialised': ZEROED_OR_INITIAL,
  'update-errno': UPDATE_FLAGS,
  'busy-released': BUSY_COUNTER,
  'single-teardown': E3_SINGLE_FREE,
  'deprecated-storage-pointer': DEPRECATED_SEMANTICS,
};

/** Every model property id (canonical names), in registry order. */
export const PROPERTY_IDS: readonly string[] = [...FACTORIES.keys()];

/** Ids the scheduler reports itself (no Property object): `no-deadlock`, `no-livelock`. */
export const SCHEDULER_IDS: readonly string[] = [NO_DEADLOCK, NO_LIVELOCK];

/**
 * What every scenario checks: memory safety, lock order, the busy counter, the
 * structural invariants 1–5, return-value sanity, teardown completeness and leaks,
 * update-replace (invariant 16) and no-lock-while-busy (invariant 18, E1/E2).
 * Opt-in (via `check`) are the claims a bug scenario may want to see first or that
 * need racing context: atomic-add, null-on-absent, get-never-creates-without-flag,
 * update-flags, cleanup-on-free, no-create-on-dying, deprecated-semantics, and the
 * per-era claims no-spurious-null (E1 breaks it) and no-spurious-create-failure
 * (E1/E2 break it).
 */
export const ALWAYS_ON: readonly string[] = [
  NO_USE_AFTER_FREE,
  NO_DOUBLE_FREE,
  OUT_OF_BOUNDS,
  NO_NULL_DEREF,
  LOCK_ORDER,
  BUSY_COUNTER,
  SINGLE_ELEMENT,
  DOUBLE_LINK,
  OWNER_POINTER,
  CACHE_VALID,
  FREE_AFTER_GP,
  NO_ERRNO_FROM_GET,
  DELETE_ERRNO,
  ZEROED_OR_INITIAL,
  GET_NEXT_KEY_NOTSUPP,
  MAP_FREE_CLEAN,
  E3_SINGLE_FREE,
  NO_LEAK,
  UPDATE_REPLACE,
  NO_LOCK_WHILE_BUSY,
];

/**
 * A fresh property for `id` (a canonical id or a PROPERTY_ALIASES name, reported
 * under the name asked for), or undefined for an unknown id and for the
 * scheduler's own `no-deadlock` / `no-livelock`.
 */
export function createProperty(id: string): Property | undefined {
  const canonical = PROPERTY_ALIASES[id] ?? id;
  const p = FACTORIES.get(canonical)?.();
  // Stryker disable next-line ConditionalExpression: an unknown id is its own canonical id, so the next line returns undefined too
  if (p === undefined) return undefined;
  if (canonical === id) return p;
  return renamed(p, id);
}

function renamed(p: Property, id: string): Property {
  const rename = <T extends { invariant: string } | undefined>(v: T): T =>
    v === undefined ? v : { ...v, invariant: id };
  return {
    id,
    description: p.description,
    ...(p.isFactDriven === true ? { isFactDriven: true } : {}),
    ...(p.checkStep === undefined ? {} : { checkStep: (k) => rename(p.checkStep!(k)) }),
    // Stryker disable next-line ConditionalExpression: every property an alias names has a checkEnd
    ...(p.checkEnd === undefined ? {} : { checkEnd: (k) => rename(p.checkEnd!(k)) }),
  };
}

/** Every reachability goal id. */
export const REACHABILITY_IDS: readonly string[] = GOAL_IDS;

/** A fresh reachability goal for `id`, or undefined for an unknown id. */
export function createReachability(id: string): Reachability | undefined {
  return createReachabilityGoal(id);
}
