/**
 * The fast-check baseline: the doc counter as a JavaScript developer would
 * check it today, with async tasks under `fc.scheduler()`. One fast-check run
 * is one execution; each `await` on a scheduled promise is one step.
 *
 * Equivalence with cgrpcheck's `doc-counter` (cpus × iterations program runs
 * of get-or-create + atomic add, one userspace lookup): every CPU runs
 * `iterations` times `ptr = get(counters, app, F_CREATE); if (ptr) *ptr += 1`
 * atomically; get looks the element up and, when absent, takes the map's lock,
 * looks again and creates it (the kernel's double-checked create under the
 * bucket lock); the reader looks the element up once. Interleaving points are
 * where shared state is touched: the lookup, the lock, the add. At the end the
 * counter must equal cpus × iterations and the reader must have seen ENOENT or
 * a value within [0, cpus × iterations]. The kernel's RCU, busy counter, owner
 * list and teardown are not modelled: the baseline is coarser than the model,
 * which only favours it (fewer steps per execution).
 */
import fc from 'fast-check';

/** Size of the counter. */
export interface CounterSize {
  readonly cpus: number;
  readonly iterations: number;
}

/** Totals of one timed baseline run. */
export interface BaselineRun {
  readonly executions: number;
  readonly steps: number;
  readonly isPassed: boolean;
}

const ENOENT = -2;

/** One execution under the fast-check scheduler; counts its scheduled steps into `steps`. */
async function counterExecution(s: fc.Scheduler, size: CounterSize, steps: { n: number }): Promise<boolean> {
  const elems = new Map<string, { value: number }>();
  let isLocked = false;
  const step = (label: string): Promise<string> => {
    steps.n++;
    return s.schedule(Promise.resolve(label), label);
  };
  const lock = async (): Promise<void> => {
    for (;;) {
      await step('lock');
      if (!isLocked) {
        isLocked = true;
        return;
      }
    }
  };
  const getOrCreate = async (cg: string): Promise<{ value: number }> => {
    await step('lookup');
    const found = elems.get(cg);
    if (found !== undefined) return found;
    await lock();
    let e = elems.get(cg);
    if (e === undefined) {
      e = { value: 0 };
      elems.set(cg, e);
    }
    isLocked = false;
    return e;
  };
  const cpu = async (): Promise<void> => {
    for (let i = 0; i < size.iterations; i++) {
      const ptr = await getOrCreate('app');
      await step('atomic add');
      ptr.value += 1;
    }
  };
  let seen = ENOENT;
  const reader = async (): Promise<void> => {
    await step('lookup');
    seen = elems.get('app')?.value ?? ENOENT;
  };
  const tasks = [...Array.from({ length: size.cpus }, () => cpu()), reader()];
  await s.waitIdle();
  await Promise.all(tasks);
  const total = size.cpus * size.iterations;
  return elems.get('app')?.value === total && (seen === ENOENT || (seen >= 0 && seen <= total));
}

/** Runs the baseline for `numRuns` executions with fast-check's seed `seed`. */
export async function runBaseline(size: CounterSize, numRuns: number, seed: number): Promise<BaselineRun> {
  const steps = { n: 0 };
  const r = await fc.check(
    fc.asyncProperty(fc.scheduler(), (s) => counterExecution(s, size, steps)),
    { numRuns, seed },
  );
  return { executions: r.numRuns, steps: steps.n, isPassed: !r.failed };
}
