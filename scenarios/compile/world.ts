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
import type { Property, Reachability, Violation } from '../../properties/property.js';
import type { Execution, ExecutionFactory, Task } from '../../scheduler/task.js';
import { StepDescriber } from '../engine/describe.js';

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
}

function isReadOnly(accesses: readonly Access[]): boolean {
  for (let i = 0; i < accesses.length; i++) if (accesses[i]!.kind !== 'read') return false;
  return true;
}

/** A model actor running its operation, seen by the scheduler as a Task. */
class ActorTask implements Task {
  readonly name: string;
  private pending: Step | undefined;
  /** The accesses of the step that ran last (for traces). */
  lastAccesses: readonly Access[] = [];

  /** The pending step as the scheduler sees it: with the CPU's preemption object when the CPU is shared. */
  private seen: Step | undefined;

  /**
   * `cpuObj` is set when other actors share this actor's CPU: whoever holds a
   * spinning lock there keeps them all off it (model/kernel/ready.ts), so every step
   * reads the CPU's object and every spin lock operation writes it.
   */
  constructor(
    private readonly kernel: Kernel,
    private readonly actor: Actor,
    private readonly op: Op<void>,
    private readonly last: LastStep,
    private readonly cpuObj?: ObjId,
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

  step(): void {
    const s = this.pending!;
    this.lastAccesses = this.seen!.accesses;
    this.last.isReadOnly = isReadOnly(this.lastAccesses);
    this.kernel.runningStep = s;
    this.advance();
    this.kernel.runningStep = undefined;
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

/** Wraps a world builder as the scheduler's ExecutionFactory; `log` collects reachability. */
export function toExecutionFactory(build: WorldBuilder, log?: ReachabilityLog): ExecutionFactory {
  return (choose) => {
    log?.beginExecution();
    const world = build(choose);
    const k = world.kernel;
    // Bound once per execution so the per-step loop is a plain array walk.
    const withStep = world.properties.filter((p) => p.checkStep !== undefined);
    const stepChecks = withStep.map((p) => p.checkStep!.bind(p));
    const isFactDriven = withStep.map((p) => p.isFactDriven === true);
    const stepGoals = world.reachability.flatMap((g) =>
      g.observeStep === undefined ? [] : [g.observeStep.bind(g)],
    );
    const describer = new StepDescriber(k);
    const cpuObjs = sharedCpuObjects(k, world.bodies);
    const last: LastStep = { isReadOnly: false };
    // Facts the model appends as they happen (results, memory faults, lock-order edges).
    const factCount = (): number => k.observations.length + k.memory.faults.length + k.locks.edges.length;
    let checkedFacts = -1;
    const execution: Execution = {
      tasks: world.bodies.map((b) => new ActorTask(k, b.actor, b.op, last, cpuObjs.get(b.actor.cpu))),
      describeLastStep: () => describer.describe(),
      describeObject: (obj) => {
        for (const [cpu, shared] of cpuObjs) if (shared === obj) return `cpu${cpu} (shared by its tasks)`;
        return objectName(k, obj as ObjId);
      },
      checkStep: () => {
        for (let i = 0; i < stepGoals.length; i++) stepGoals[i]!(k);
        // A step that only read and added no fact left the state the last check
        // saw; fact-driven checks have nothing to do when no fact was added.
        const facts = factCount();
        const isNewFact = facts !== checkedFacts;
        checkedFacts = facts;
        if (last.isReadOnly && !isNewFact) return undefined;
        for (let i = 0; i < stepChecks.length; i++) {
          if (!isNewFact && isFactDriven[i]) continue;
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
  return task instanceof ActorTask ? task.lastAccesses : [];
}
