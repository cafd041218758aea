/**
 * Scheduler-only test programs: tasks built from arrays of tiny operations on
 * a shared store of named integers and locks, so that violations can depend on
 * the interleaving (e.g. a lost-update counter) without any model code.
 */
import fc from 'fast-check';
import type { Access, Execution, ExecutionFactory, StepInfo, Task, Violation } from '../../scheduler/task.js';

/** Shared state of one execution. */
export interface Store {
  readonly vars: Map<string, number>;
  /** Lock name → index of the holding task. */
  readonly locks: Map<string, number>;
  get(name: string): number;
}

/** A task's private register, written by `read` and `choice` ops. */
export interface Local {
  reg: number;
}

/** One step: what it touches, plus what it does. */
export interface Op {
  readonly label: string;
  /** Objects by name; mapped to stable numeric ids per program. */
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly acquires?: string;
  readonly releases?: string;
  /** Virtual time before which this step may not run. */
  readonly at?: number;
  readonly run?: (store: Store, local: Local, choose: (n: number) => number) => void;
  /** A condition wait: the step is disabled until this holds (its footprint must cover what it reads). */
  readonly isReady?: (store: Store) => boolean;
  /** Declared as a release (`posts`) or acquire (`takes`) of a counter, with no lock bookkeeping. */
  readonly posts?: string;
  readonly takes?: string;
  /** Objects updated by an atomic read-modify-write whose result is unused (commute with each other). */
  readonly atomics?: readonly string[];
  /** A server loop's wait for work: an execution may end with the task waiting here. */
  readonly isIdleWait?: boolean;
  /** A lock attempt that may run while another task holds it (an rqspinlock that may time out). */
  readonly tries?: string;
}

/** `reg = x`. */
export const read = (x: string): Op => ({
  label: `read(${x})`,
  reads: [x],
  writes: [],
  run: (s, l) => {
    l.reg = s.get(x);
  },
});
/** `x = reg + 1` (with `read` before it: a non-atomic increment). */
export const incFromReg = (x: string): Op => ({
  label: `write(${x}=reg+1)`,
  reads: [],
  writes: [x],
  run: (s, l) => {
    s.vars.set(x, l.reg + 1);
  },
});
/** `x = v`. */
export const set = (x: string, v: number): Op => ({
  label: `write(${x}=${v})`,
  reads: [],
  writes: [x],
  run: (s) => {
    s.vars.set(x, v);
  },
});
/** `x += 1` atomically, result unused: an atomic access of x. */
export const atomicInc = (x: string): Op => ({
  label: `atomic_inc(${x})`,
  reads: [],
  writes: [],
  atomics: [x],
  run: (s) => {
    s.vars.set(x, s.get(x) + 1);
  },
});
/** A step touching nothing shared. */
export const local = (label = 'local'): Op => ({ label, reads: [], writes: [] });
/** Takes lock `l`; disabled while another task holds it. */
export const acquire = (l: string): Op => ({ label: `lock(${l})`, reads: [], writes: [], acquires: l });
/**
 * Takes lock `l` and, in the same step, sets `x = 10·x + v` (the model's lock
 * steps also write what the lock guards: `lock owner lock` writes the storage).
 */
export const acquireSetting = (l: string, x: string, v: number): Op => ({
  label: `lock(${l}); ${x}=10*${x}+${v}`,
  reads: [],
  writes: [x],
  acquires: l,
  run: (s) => {
    s.vars.set(x, 10 * s.get(x) + v);
  },
});
/** Releases lock `l`. */
export const release = (l: string): Op => ({ label: `unlock(${l})`, reads: [], writes: [], releases: l });
/** Waits until virtual time `t`, then does nothing shared. */
export const sleepUntil = (t: number): Op => ({ label: `sleep-until(${t})`, reads: [], writes: [], at: t });
/** `reg = choose(n)` inside the step. */
export const choice = (n: number): Op => ({
  label: `choose(${n})`,
  reads: [],
  writes: [],
  run: (_s, l, choose) => {
    l.reg = choose(n);
  },
});
/** Waits until `x >= v` (a flag or counter wait); declared as a read of x, which its enablers write. */
export const waitFor = (x: string, v: number): Op => ({
  label: `wait(${x}>=${v})`,
  reads: [x],
  writes: [],
  isReady: (s) => s.get(x) >= v,
});
/** Increments semaphore `x` (queues one item): a release of x. */
export const post = (x: string): Op => ({
  label: `post(${x})`,
  reads: [],
  writes: [],
  posts: x,
  run: (s) => {
    s.vars.set(x, s.get(x) + 1);
  },
});
/** Waits until semaphore `x` > 0, then decrements it (takes one item): an acquire of x. */
export const take = (x: string): Op => ({
  label: `take(${x})`,
  reads: [],
  writes: [],
  takes: x,
  isReady: (s) => s.get(x) > 0,
  run: (s) => {
    s.vars.set(x, s.get(x) - 1);
  },
});
/**
 * An rqspinlock-like attempt at lock `l`: takes it when free; when another task
 * holds it, the step still runs and chooses between two failures (in var
 * `fail_l`: 1 or 2). Declared as an acquire and a read of the lock.
 */
export const tryLock = (l: string): Op => ({ label: `trylock(${l})`, reads: [], writes: [], tries: l });
/** A daemon's take of semaphore `x`: like take, but an execution may end with it waiting. */
export const idleTake = (x: string): Op => ({ ...take(x), label: `idle-take(${x})`, isIdleWait: true });
/** Runs `op` at virtual time `t` or later. */
export const at = (t: number, op: Op): Op => ({ ...op, at: t, label: `${op.label}@${t}` });

/** A task: a name and its ops in program order. */
export interface TaskSpec {
  readonly name: string;
  readonly ops: readonly Op[];
}

/** A whole program. */
export interface ProgramSpec {
  readonly tasks: readonly TaskSpec[];
  readonly initial?: Readonly<Record<string, number>>;
  /** Arity of each data choice the world makes while being built (stored in vars `init0`, `init1`, ...). */
  readonly initialChoices?: readonly number[];
  readonly checkStep?: (store: Store) => Violation | undefined;
  readonly checkEnd?: (store: Store) => Violation | undefined;
}

function objectIds(spec: ProgramSpec): Map<string, number> {
  const ids = new Map<string, number>();
  for (const t of spec.tasks) {
    for (const op of t.ops) {
      const named = [op.acquires, op.releases, op.posts, op.takes, op.tries].map((n) => n ?? '');
      for (const name of [...op.reads, ...op.writes, ...(op.atomics ?? []), ...named]) {
        if (name !== '' && !ids.has(name)) ids.set(name, ids.size);
      }
    }
  }
  return ids;
}

function stepInfo(op: Op, ids: Map<string, number>): StepInfo {
  const accesses: Access[] = [];
  for (const r of op.reads) accesses.push({ kind: 'read', obj: ids.get(r)! });
  for (const w of op.writes) accesses.push({ kind: 'write', obj: ids.get(w)! });
  for (const u of op.atomics ?? []) accesses.push({ kind: 'atomic', obj: ids.get(u)! });
  if (op.acquires !== undefined) accesses.push({ kind: 'acquire', obj: ids.get(op.acquires)! });
  if (op.releases !== undefined) accesses.push({ kind: 'release', obj: ids.get(op.releases)! });
  if (op.takes !== undefined) accesses.push({ kind: 'acquire', obj: ids.get(op.takes)! });
  if (op.posts !== undefined) accesses.push({ kind: 'release', obj: ids.get(op.posts)! });
  if (op.tries !== undefined) {
    accesses.push({ kind: 'acquire', obj: ids.get(op.tries)! }, { kind: 'read', obj: ids.get(op.tries)! });
  }
  return { label: op.label, accesses };
}

class ProgramTask implements Task {
  private pc = 0;
  private readonly local: Local = { reg: 0 };
  constructor(
    readonly name: string,
    private readonly index: number,
    private readonly ops: readonly Op[],
    private readonly infos: readonly StepInfo[],
    private readonly store: Store,
    private readonly choose: (n: number) => number,
  ) {}
  peek(): StepInfo | undefined {
    return this.infos[this.pc];
  }
  isEnabled(): boolean {
    const op = this.ops[this.pc];
    if (op?.isReady !== undefined && !op.isReady(this.store)) return false;
    const l = op?.acquires;
    if (l === undefined) return true;
    const holder = this.store.locks.get(l);
    return holder === undefined || holder === this.index;
  }
  readyAt(): number {
    return this.ops[this.pc]?.at ?? 0;
  }
  isIdle(): boolean {
    return this.ops[this.pc]?.isIdleWait === true;
  }
  step(): void {
    const op = this.ops[this.pc];
    if (op === undefined) throw new Error(`${this.name} stepped after finishing`);
    if (op.acquires !== undefined) {
      if (this.store.locks.has(op.acquires)) throw new Error(`${this.name}: ${op.acquires} already held`);
      this.store.locks.set(op.acquires, this.index);
    }
    if (op.tries !== undefined) {
      const holder = this.store.locks.get(op.tries);
      if (holder === undefined) this.store.locks.set(op.tries, this.index);
      else if (holder !== this.index) this.store.vars.set(`fail_${op.tries}`, 1 + this.choose(2));
    }
    if (op.releases !== undefined && this.store.locks.get(op.releases) === this.index)
      this.store.locks.delete(op.releases);
    op.run?.(this.store, this.local, this.choose);
    this.pc++;
  }
}

/** Builds a fresh-world factory for `spec`: each execution gets its own store. */
export function program(spec: ProgramSpec): ExecutionFactory {
  const ids = objectIds(spec);
  const infos = spec.tasks.map((t) => t.ops.map((op) => stepInfo(op, ids)));
  return (choose): Execution => {
    const vars = new Map<string, number>(Object.entries(spec.initial ?? {}));
    const store: Store = { vars, locks: new Map(), get: (name) => vars.get(name) ?? 0 };
    (spec.initialChoices ?? []).forEach((n, i) => {
      vars.set(`init${i}`, choose(n));
    });
    const tasks = spec.tasks.map((t, i) => new ProgramTask(t.name, i, t.ops, infos[i]!, store, choose));
    return {
      tasks,
      checkStep: () => spec.checkStep?.(store),
      checkEnd: () => spec.checkEnd?.(store),
      describeLastStep: () =>
        [...vars.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
    };
  };
}

/** `count` tasks of `steps` local (independent) steps each. */
export function independentTasks(count: number, steps: number): ProgramSpec {
  return {
    tasks: Array.from({ length: count }, (_, t) => ({
      name: `T${t}`,
      ops: Array.from({ length: steps }, (_, i) => local(`local${i}`)),
    })),
  };
}

/** Lost update: `count` tasks each do `rounds` non-atomic increments of x; checkEnd wants x = count·rounds. */
export function lostUpdate(count: number, rounds: number, noise = 0): ProgramSpec {
  const ops: Op[] = [];
  for (let i = 0; i < noise; i++) ops.push(local(`noise${i}`));
  for (let i = 0; i < rounds; i++) ops.push(read('x'), incFromReg('x'));
  return {
    tasks: Array.from({ length: count }, (_, t) => ({ name: `T${t}`, ops })),
    checkEnd: (s) =>
      s.get('x') === count * rounds
        ? undefined
        : { invariant: 'atomic-add', message: `x = ${s.get('x')}, expected ${count * rounds}` },
  };
}

/**
 * Random small programs for properties: 2–3 tasks, at most 9 steps, mixing
 * reads, writes and atomic increments of two variables, locked sections
 * (incl. both lock orders), data choices, local steps, flag waits, a semaphore
 * (with daemon-style idle takes) and timers; with `isWithTryLock`, also
 * rqspinlock-like attempts that run while the lock is held.
 */
export function smallProgram(isWithTryLock = false): fc.Arbitrary<ProgramSpec> {
  const objs = fc.constantFrom('x', 'y');
  const op: fc.Arbitrary<Op[]> = fc.oneof(
    objs.map((o) => [read(o)]),
    fc.tuple(objs, fc.integer({ min: 1, max: 2 })).map(([o, v]) => [set(o, v)]),
    objs.map((o) => [atomicInc(o)]),
    fc.tuple(fc.constantFrom('L', 'M'), objs).map(([l, o]) => [acquire(l), set(o, 3), release(l)]),
    fc
      .tuple(fc.constantFrom('L', 'M'), objs, fc.integer({ min: 1, max: 2 }))
      .map(([l, o, v]) => [acquireSetting(l, o, v), release(l)]),
    fc.constantFrom<Op[]>(
      [acquire('L'), acquire('M'), release('M'), release('L')],
      [acquire('M'), acquire('L'), release('L'), release('M')],
      [choice(2)],
      [local()],
    ),
    objs.map((o) => [waitFor(o, 1)]),
    fc.constantFrom<Op[]>([post('s')], [take('s')], [idleTake('s')]),
    ...(isWithTryLock ? [fc.constant<Op[]>([tryLock('L'), release('L')])] : []),
  );
  const timed = fc
    .tuple(op, fc.constantFrom(0, 0, 0, 5, 10))
    .map(([ops, t]) => (t === 0 ? ops : [at(t, ops[0]!), ...ops.slice(1)]));
  return fc
    .array(fc.array(timed, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 })
    .map((ts): ProgramSpec => ({ tasks: ts.map((ops, i) => ({ name: `T${i}`, ops: ops.flat() })) }))
    .filter((s) => s.tasks.reduce((n, t) => n + t.ops.length, 0) <= 9);
}
