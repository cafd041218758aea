/**
 * The built-in catalogue: every named scenario, in the order `cgrpcheck list`
 * prints them. Each entry is validated once, when first asked for.
 */
import type { ScenarioBuilder } from '../format/builder.js';
import {
  deprecatedVsNewAllocation,
  deprecatedVsNewCgroups,
  deprecatedVsNewDelete,
  deprecatedVsNewProgTypes,
} from './deprecatedVsNew.js';
import {
  deleteFromProgram,
  docCounter,
  docCounterRacy,
  nullOnAbsent,
  rmdirWhileCounting,
} from './docCounter.js';
import { HISTORICAL } from './historical.js';
import { preallocBeforeAttach } from './prealloc.js';
import {
  selftestAttachCgroup,
  selftestCgroupIterSleepable,
  selftestCgrp1NoRcuLock,
  selftestRecursion,
  selftestTpBtf,
  selftestYesRcuLock,
} from './selftests.js';
import { selftestEgressOnly, selftestIsolated, selftestShared } from './selftestsMulti.js';

/** Every catalogue entry's builder, in listing order. */
export const CATALOGUE: readonly ScenarioBuilder[] = [
  docCounter,
  docCounterRacy,
  nullOnAbsent,
  deleteFromProgram,
  rmdirWhileCounting,
  preallocBeforeAttach,
  deprecatedVsNewProgTypes,
  deprecatedVsNewCgroups,
  deprecatedVsNewAllocation,
  deprecatedVsNewDelete,
  selftestTpBtf,
  selftestAttachCgroup,
  selftestRecursion,
  selftestCgroupIterSleepable,
  selftestYesRcuLock,
  selftestCgrp1NoRcuLock,
  selftestEgressOnly,
  selftestIsolated,
  selftestShared,
  ...HISTORICAL,
];
