/**
 * When a run must stop: the time budget and Ctrl-C, seen by the engine
 * through RunHooks.shouldStop() between executions. A second Ctrl-C exits at once.
 */
import type { RunHooks } from '../scenarios/engine/engine.js';
import type { CliIo } from './io.js';
import type { StopReason } from './outcome.js';
import type { ProgressLine } from './progress.js';
import { EXIT } from './usageError.js';

/** The hooks of one run and what stopped it. */
export interface StopControl {
  readonly hooks: RunHooks;
  /** Why shouldStop() first returned true, if it did. */
  stoppedBy(): StopReason | undefined;
  /** Unsubscribes from SIGINT. */
  dispose(): void;
}

/** Subscribes to SIGINT and builds the hooks of a run that started at `startMs`. */
export function createStopControl(
  io: CliIo,
  startMs: number,
  budgetMs: number | undefined,
  progress: ProgressLine,
): StopControl {
  let interrupts = 0;
  let reason: StopReason | undefined;
  const unsubscribe = io.onInterrupt(() => {
    interrupts++;
    progress.clear();
    if (interrupts === 1) {
      io.stderr('cgrpcheck: stopping after the current execution (Ctrl-C again to exit now)\n');
      return;
    }
    io.stderr('cgrpcheck: interrupted again; exiting without a report\n');
    io.exit(EXIT.aborted);
  });
  const hooks: RunHooks = {
    shouldStop() {
      if (reason !== undefined) return true;
      if (interrupts > 0) reason = 'interrupt';
      else if (budgetMs !== undefined && io.now() - startMs >= budgetMs) reason = 'time-budget';
      return reason !== undefined;
    },
    onProgress(p) {
      progress.update(p);
    },
  };
  return { hooks, stoppedBy: () => reason, dispose: unsubscribe };
}
