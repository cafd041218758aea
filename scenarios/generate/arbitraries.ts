/**
 * fast-check arbitraries of whole scenarios and their schedules, swarm style
 * (Groce et al., "Swarm Testing", ISSTA 2012). Every part is an independent
 * array, integer or boolean whose simplest value is the simplest scenario, so
 * fast-check's own shrinking removes actors, operations, CPUs and repetitions
 * and moves choices to the first (simplest) menu entry.
 */
import fc from 'fast-check';
import type { ScenarioDef } from '../format/types.js';
import { buildScenarioDef, type RawCpu, type RawOp, type RawScenario, type RawSwarm } from './build.js';
import { describeScenario } from './describe.js';
import {
  type ResolvedGenerateOptions,
  resolveGenerateOptions,
  type ScenarioArbitraryOptions,
  type ScheduleArbitraryOptions,
} from './options.js';

/** A generated case: a scenario and the choice stream one execution of it replays leniently. */
export interface GeneratedCase {
  readonly def: ScenarioDef;
  /**
   * Task ids and data-choice values, in decision order. Replayed leniently
   * (scheduler/replay.ts): an entry that does not fit, and every decision after
   * the end, keeps the current task running, so `[]` is the non-preemptive run.
   */
  readonly schedule: readonly number[];
}

/** Options of {@link caseArbitrary}: the scenario's and the schedule's. */
export type CaseArbitraryOptions = ScenarioArbitraryOptions & ScheduleArbitraryOptions;

const flags = (n: number, isSwarm: boolean): fc.Arbitrary<boolean[]> =>
  fc.tuple(...Array.from({ length: n }, () => (isSwarm ? fc.boolean() : fc.constant(true))));

function swarmArb(o: ResolvedGenerateOptions): fc.Arbitrary<RawSwarm> {
  const fixedTimeouts = o.lockTimeouts === undefined ? undefined : fc.constant(o.lockTimeouts);
  return fc.record({
    programs: flags(o.programs.length, o.isSwarm),
    ops: flags(o.userOps.length, o.isSwarm),
    secondChild: o.isSwarm ? fc.boolean() : fc.constant(true),
    lockTimeouts: fixedTimeouts ?? (o.isSwarm ? fc.boolean() : fc.constant(true)),
  });
}

function cpuArb(o: ResolvedGenerateOptions): fc.Arbitrary<RawCpu> {
  const step = fc.record({
    program: fc.nat({ max: o.programs.length - 1 }),
    times: fc.integer({ min: 1, max: o.maxTimes }),
  });
  return fc.record({
    cgroup: fc.nat({ max: o.maxChildCgroups - 1 }),
    run: fc.array(step, { minLength: 1, maxLength: o.maxRunSteps }),
  });
}

const opArb: fc.Arbitrary<RawOp> = fc.record({
  kind: fc.nat({ max: 4 }),
  map: fc.nat({ max: 1 }),
  cgroup: fc.nat({ max: 2 }),
  flags: fc.nat({ max: 4 }),
  value: fc.nat({ max: 9 }),
});

function rawArb(o: ResolvedGenerateOptions): fc.Arbitrary<RawScenario> {
  return fc.record({
    swarm: swarmArb(o),
    era: fc.constantFrom(...o.eras),
    cpus: fc.array(cpuArb(o), { minLength: o.minCpus, maxLength: o.maxCpus }),
    ops: fc.array(opArb, { maxLength: o.maxUserOps }),
  });
}

/**
 * Valid scenarios (they pass validateScenario and compile): a root cgroup and
 * 1–2 children, the `counters` map (and `old` when a program uses it), 1–3 cpu
 * actors running menu programs, an optional userspace thread, an era.
 */
export function scenarioArbitrary(options: ScenarioArbitraryOptions = {}): fc.Arbitrary<ScenarioDef> {
  const o = resolveGenerateOptions(options);
  return rawArb(o).map((raw) => buildScenarioDef(raw, o));
}

/** Choice streams for lenient replay: shrinking drops entries and lowers task ids toward 0. */
export function scheduleArbitrary(options: ScheduleArbitraryOptions = {}): fc.Arbitrary<number[]> {
  const o = resolveGenerateOptions(options);
  return fc.array(fc.nat({ max: o.maxChoice }), { maxLength: o.maxChoices, size: 'max' });
}

/** How fast-check prints a case: the compact scenario, then the stream. */
function caseToString(this: GeneratedCase): string {
  return `${describeScenario(this.def)}\nschedule: [${this.schedule.join(', ')}]`;
}

/** Wraps a case so fast-check prints it readably; the printer is not an enumerable field. */
export function toGeneratedCase(def: ScenarioDef, schedule: readonly number[]): GeneratedCase {
  const c: GeneratedCase = { def, schedule };
  Object.defineProperty(c, fc.toStringMethod, { value: caseToString, enumerable: false });
  return c;
}

/** A scenario and a schedule; shrinks the scenario first, then the schedule. */
export function caseArbitrary(options: CaseArbitraryOptions = {}): fc.Arbitrary<GeneratedCase> {
  return fc
    .record({ def: scenarioArbitrary(options), schedule: scheduleArbitrary(options) })
    .map(({ def, schedule }) => toGeneratedCase(def, schedule));
}
