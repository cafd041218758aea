/**
 * Adapts a model world — a kernel, its actors' operations and the properties
 * to check — to the scheduler's Task and Execution interfaces. This is the only
 * place where model generators meet scheduler tasks.
 */
import type { ObjId } from '../../model/core/ids.js';
import type { Access, Op, Step } from '../../model/core/step.js';
import type { Actor, Kernel } from '../../model/kernel/kernel.js';
import { objectName } from '../../model/kernel/objectName.js';
import { isStepReady } from '../../model/kernel/ready.js';
import { isSpinning } from '../../model/sync/locks.js';
import type { FactLog, Property, Reachability, Violation } from '../../properties/property.js';
import { gateSymmetricTasks, type SymmetryClass, ungated } from '../../scheduler/symmetry.js';
import type { Execution, ExecutionFactory, Task } from '../../scheduler/task.js';
import { StepDescriber } from '../engine/describe.js';
import { type PrivateObjects, privateObjectsOf } from './atomicBlocks.js';

/** One actor and the operation it runs. */
export interface ActorBody {
  readonly actor: Actor;
  readonly op: Op<void>;
}

/** Everything one execution needs. */
export interface World {
  readonly kernel: Kernel;
  readonly bodies: readonly ActorBody[];
  readonly properties: readonly Property[];
  readonly reachability: readonly Reachability[];
}

/** Builds a fresh world; data choices go through `choose`. */
export type WorldBuilder = (choose: (n: number) => number) => World;

/** What the step that ran last could have changed; shared by an execution's tasks. */
interface LastStep {
  /** Its footprint only reads: it changed no shared state (footprints are honest). */
  isReadOnly: boolean;
  /**
   * Its accesses are all reads, atomics or objects private to its task: it
   * changed no storage structure (Property.isStructural).
   */
  isStructureKept: boolean;
  /** Model steps run, when counted (WorldOptions.modelSteps). */
  readonly modelSteps: { count: number } | undefined;
}

function isReadOnlyFootprint(accesses: readonly Access[]): boolean {
  for (let i = 0; i < accesses.length; i++) if (accesses[i]!.kind !== 'read') return false;
  return true;
}

/** True when every access reads, is an atomic, or touches an object private to `task` (`priv`, when known). */
function keepsStructure(
  accesses: readonly Access[],
  task: number,
  priv: PrivateObjects | undefined,
): boolean {
  for (let i = 0; i < accesses.length; i++) {
    const a = accesses[i]!;
    if (a.kind === 'read' || a.kind === 'atomic') continue;
    if (priv === undefined || priv.ownerOf.get(a.obj) !== task) return false;
  }
  return true;
}

/**
 * Steps an atomic block runs after its first at most: a model loop of private
 * steps stays visible to the step budget (`no-livelock`) instead of spinning
 * inside one scheduler step. Ending a block early is always sound.
 */
const MAX_BLOCK_STEPS = 64;

/** A model actor running its operation, seen by the scheduler as a Task. */
class ActorTask implements Task {
  readonly name: string;
  private pending: Step | undefined;
  /** The accesses of the first step that ran last (as the scheduler saw it). */
  private firstAccesses: readonly Access[] = [];
  /**
   * The model steps the last step() ran after the first (its atomic block), for
   * labels: absorbed[0..absorbedCount). Entries past the count are stale, kept
   * so the array is reused (setting `length` on every step cost more than the rest of it).
   */
  private readonly absorbed: Step[] = [];
  private absorbedCount = 0;
  private firstLabel = '';

  /** The pending step as the scheduler sees it: with the CPU's preemption object when the CPU is shared. */
  private seen: Step | undefined;

  /**
   * `cpuObj` is set when other actors share this actor's CPU: whoever holds a
   * spinning lock there keeps them all off it (model/kernel/ready.ts), so every step
   * reads the CPU's object and every spin lock operation writes it.
   * `priv` is set when atomic blocks are on (see {@link ActorTask.step}).
   */
  constructor(
    private readonly kernel: Kernel,
    private readonly actor: Actor,
    private readonly op: Op<void>,
    private readonly last: LastStep,
    private readonly index: number,
    private readonly cpuObj: ObjId | undefined,
    private readonly priv: PrivateObjects | undefined,
  ) {
    this.name = actor.name;
    this.advance();
  }

  peek(): Step | undefined {
    return this.seen;
  }

  isEnabled(): boolean {
    return this.pending !== undefined && isStepReady(this.kernel, this.actor, this.pending);
  }

  readyAt(): number {
    return 0;
  }

  isIdle(): boolean {
    const b = this.pending?.blocker;
    return b?.kind === 'until' && b.isIdle === true;
  }

  /**
   * Runs the pending step, then, as one atomic block, every following step
   * that touches only objects private to this task and never waits. Such a
   * step commutes with every step of every other task and is always enabled
   * (a both-mover, Lipton 1975), so running it right after its predecessor
   * drops no Mazurkiewicz trace, and the block's footprint, as far as any
   * other task can tell, is the first step's.
   */
  step(): void {
    const s = this.pending!;
    this.firstAccesses = this.seen!.accesses;
    let isReadOnly = isReadOnlyFootprint(this.firstAccesses);
    let isStructureKept = keepsStructure(this.firstAccesses, this.index, this.priv);
    this.priv?.check(this.index, this.firstAccesses, s.label);
    this.firstLabel = s.label;
    this.absorbedCount = 0;
    this.kernel.runningStep = s;
    this.advance();
    const priv = this.priv;
    if (priv !== undefined) {
      for (
        let p = this.pending;
        p !== undefined && this.absorbedCount < MAX_BLOCK_STEPS && priv.isInvisible(this.index, p);
        p = this.pending
      ) {
        this.absorbed[this.absorbedCount++] = p;
        if (!isReadOnlyFootprint(p.accesses)) isReadOnly = false;
        if (!keepsStructure(p.accesses, this.index, priv)) isStructureKept = false;
        this.kernel.runningStep = p;
        this.advance();
      }
    }
    this.last.isReadOnly = isReadOnly;
    this.last.isStructureKept = isStructureKept;
    if (this.last.modelSteps !== undefined) this.last.modelSteps.count += 1 + this.absorbedCount;
    this.kernel.runningStep = undefined;
  }

  /** The accesses of the step that ran last, with those of its atomic block (traces only). */
  lastAccesses(): readonly Access[] {
    return [this.firstAccesses, ...this.blockSteps().map((p) => p.accesses)].flat();
  }

  lastLabel(): string {
    let label = this.firstLabel;
    for (const p of this.blockSteps()) label += `; ${p.label}`;
    return label;
  }

  private blockSteps(): readonly Step[] {
    return this.absorbed.slice(0, this.absorbedCount);
  }

  private advance(): void {
    const r = this.op.next();
    this.pending = r.done ? undefined : r.value;
    this.seen =
      this.pending === undefined || this.cpuObj === undefined
        ? this.pending
        : withCpu(this.kernel, this.pending, this.cpuObj);
  }
}

/** True when the step takes or drops a spinning lock (the only locks that keep a CPU's other actors off it). */
function isSpinLockOp(k: Kernel, s: Step): boolean {
  for (const a of s.accesses) {
    if (a.kind !== 'acquire' && a.kind !== 'release') continue;
    const l = k.locks.locks.get(a.obj as ObjId);
    if (l !== undefined && isSpinning(l.cls)) return true;
  }
  return false;
}

function withCpu(k: Kernel, s: Step, cpuObj: ObjId): Step {
  const extra: Access = { kind: isSpinLockOp(k, s) ? 'write' : 'read', obj: cpuObj };
  return { label: s.label, accesses: [...s.accesses, extra] };
}

/** One abstract object per CPU that more than one actor runs on, for {@link ActorTask}. */
function sharedCpuObjects(k: Kernel, bodies: readonly ActorBody[]): Map<number, ObjId> {
  const count = new Map<number, number>();
  for (const b of bodies) count.set(b.actor.cpu, (count.get(b.actor.cpu) ?? 0) + 1);
  const objs = new Map<number, ObjId>();
  for (const [cpu, n] of count) if (n > 1) objs.set(cpu, k.allocObjId(k.setupActor));
  return objs;
}

/** Tracks which reachability goals any execution has met so far. */
export class ReachabilityLog {
  /** invariant: keys in first-registration order. */
  readonly reached = new Map<string, boolean>();
  /** Ordinal (executions begun since the last reset, from 0) of the execution that first met each goal; -1 = none yet. */
  private readonly firstAt = new Map<string, number>();
  private begun = 0;

  /** Counts an execution as begun (the factory calls it once per world it builds). */
  beginExecution(): void {
    this.begun++;
  }

  /** Forgets everything: a worker starts each unit of work afresh. */
  reset(): void {
    this.reached.clear();
    this.firstAt.clear();
    this.begun = 0;
  }

  /** Records the goals met by one finished execution. */
  record(world: World): void {
    for (const r of world.reachability) {
      if (this.reached.get(r.id)) continue;
      const hit = r.isReached(world.kernel);
      this.reached.set(r.id, hit);
      this.firstAt.set(r.id, hit ? this.begun - 1 : -1);
    }
  }

  /** Every goal seen with the ordinal of the execution that first met it (-1 = none), in registration order. */
  firstReached(): [string, number][] {
    return [...this.firstAt];
  }

  /** Goals no execution has reached, in registration order. */
  unreached(): string[] {
    const out: string[] = [];
    for (const [id, hit] of this.reached) if (!hit) out.push(id);
    return out;
  }
}

function firstViolation(k: Kernel, props: readonly Property[], atEnd: boolean): Violation | undefined {
  for (const p of props) {
    const v = atEnd ? p.checkEnd?.(k) : p.checkStep?.(k);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The fact logs as bits; a property's mask says which ones it reads (ALWAYS: state, not facts). */
const OBSERVATIONS = 1;
const FAULTS = 2;
const EDGES = 4;
const ALWAYS = -1;
const LOG_BITS: Readonly<Record<FactLog, number>> = {
  observations: OBSERVATIONS,
  faults: FAULTS,
  edges: EDGES,
};

function factMaskOf(p: Property): number {
  if (p.isFactDriven !== true) return ALWAYS;
  return p.factLog === undefined ? OBSERVATIONS | FAULTS | EDGES : LOG_BITS[p.factLog];
}

/** Options of {@link toExecutionFactory}. */
export interface WorldOptions {
  /**
   * Run each step together with the following steps that touch only objects
   * private to its task (scenarios/atomicBlocks.ts). @defaultValue true
   */
  readonly isAtomicBlocks?: boolean;
  /**
   * Classes of interchangeable tasks (indices into the world's bodies), gated
   * to start in index order (scheduler/symmetry.ts). @defaultValue none
   */
  readonly symmetry?: readonly SymmetryClass[];
  /** When set, counts every model step run, inside atomic blocks too (the bench's steps/s). @defaultValue none */
  readonly modelSteps?: { count: number };
}

/** Wraps a world builder as the scheduler's ExecutionFactory; `log` collects reachability. */
export function toExecutionFactory(
  build: WorldBuilder,
  log?: ReachabilityLog,
  options: WorldOptions = {},
): ExecutionFactory {
  const isAtomicBlocks = options.isAtomicBlocks ?? true;
  return (choose) => {
    log?.beginExecution();
    const world = build(choose);
    const k = world.kernel;
    // Bound once per execution so the per-step loop is a plain array walk.
    const withStep = world.properties.filter((p) => p.checkStep !== undefined);
    const stepChecks = withStep.map((p) => p.checkStep!.bind(p));
    const factMask = withStep.map(factMaskOf);
    const isStructural = withStep.map((p) => p.isStructural === true);
    const stepGoals = world.reachability.flatMap((g) =>
      g.observeStep === undefined ? [] : [g.observeStep.bind(g)],
    );
    const describer = new StepDescriber(k);
    const cpuObjs = sharedCpuObjects(k, world.bodies);
    const last: LastStep = { isReadOnly: false, isStructureKept: false, modelSteps: options.modelSteps };
    const priv = isAtomicBlocks ? privateObjectsOf(k, world.bodies) : undefined;
    // Facts the model appends as they happen: results (observations), memory faults, lock-order edges.
    let seenObservations = -1;
    let seenFaults = -1;
    let seenEdges = -1;
    const actorTasks = world.bodies.map(
      (b, i) => new ActorTask(k, b.actor, b.op, last, i, cpuObjs.get(b.actor.cpu), priv),
    );
    const execution: Execution = {
      tasks: symmetricTasks(actorTasks, options.symmetry),
      describeLastStep: () => describer.describe(),
      describeObject: (obj) => {
        for (const [cpu, shared] of cpuObjs) if (shared === obj) return `cpu${cpu} (shared by its tasks)`;
        return objectName(k, obj as ObjId);
      },
      checkStep: () => {
        for (let i = 0; i < stepGoals.length; i++) stepGoals[i]!(k);
        // A step that only read and added no fact left the state the last check
        // saw; a fact-driven check has nothing to do when its log got no fact.
        let grew = 0;
        if (k.observations.length !== seenObservations) grew |= OBSERVATIONS;
        if (k.memory.faults.length !== seenFaults) grew |= FAULTS;
        if (k.locks.edges.length !== seenEdges) grew |= EDGES;
        seenObservations = k.observations.length;
        seenFaults = k.memory.faults.length;
        seenEdges = k.locks.edges.length;
        if (last.isReadOnly && grew === 0) return undefined;
        for (let i = 0; i < stepChecks.length; i++) {
          const m = factMask[i]!;
          if (m !== ALWAYS && (m & grew) === 0) continue;
          if (last.isStructureKept && isStructural[i]) continue;
          const v = stepChecks[i]!(k);
          if (v !== undefined) return v;
        }
        return undefined;
      },
      checkEnd: () => {
        log?.record(world);
        return firstViolation(k, world.properties, true);
      },
    };
    return execution;
  };
}

/** The accesses of the step a task ran last; empty for tasks that are not model actors. */
export function lastAccessesOf(task: Task): readonly Access[] {
  const t = ungated(task);
  return t instanceof ActorTask ? t.lastAccesses() : [];
}

/**
 * Gate object ids: those of a pseudo-actor 4095 (Kernel.allocObjId gives actor
 * a the ids a·1,000,000 + n; no scenario has that many actors), so no model
 * object has one. Taking them from the setup actor instead would shift the ids
 * of what it creates later (cgroups, deprecated storages), and a stream found
 * with the gates must replay on the world without them unchanged.
 */
const GATE_OBJ_BASE = 4_095_000_000;

/** The tasks, gated by symmetry class when there are classes. */
function symmetricTasks(tasks: Task[], classes: readonly SymmetryClass[] | undefined): Task[] {
  if (classes === undefined || classes.length === 0) return tasks;
  return gateSymmetricTasks(tasks, classes, (i, j) => GATE_OBJ_BASE + 1000 * i + j);
}
