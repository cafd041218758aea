/**
 * What a check returns: plain data, the same for the API, the cli's formats
 * and merged shards. JSON-serialisable throughout.
 */
import type { StrategyInfo } from '../../scheduler/strategy.js';

/** One row of a counterexample trace. */
export interface TraceRow {
  /** 0-based step index within the execution. */
  readonly index: number;
  /** Task index (column). */
  readonly task: number;
  /** Task name, e.g. `cpu0`, `user0`, `rcu`. */
  readonly taskName: string;
  /** The step's label, e.g. `raw_spin_lock(owner cg1)`. */
  readonly label: string;
  /** What the step changed, in kernel terms (may be empty). */
  readonly note: string;
  /** Abstract ids the step read/wrote/locked, for the happens-before graph, with their names when known. */
  readonly accesses: readonly { readonly kind: string; readonly obj: number; readonly name?: string }[];
  /** Virtual clock when the step ran. */
  readonly clock: number;
}

/** Counts every result carries. */
export interface CheckStats {
  readonly executions: number;
  readonly steps: number;
  /** Wall time, measured by the caller (the cli); 0 inside the core. */
  readonly elapsedMs: number;
  /** Executions an exhaustive strategy cut short (every option asleep, or a reordering that could not run). */
  readonly abandoned: number;
}

/** A found violation, ready to print and replay. */
export interface FoundViolation {
  readonly invariant: string;
  readonly message: string;
  /** The replay token: copy-pasteable, replays byte for byte. */
  readonly replay: string;
  /** The minimal trace (after shrinking). */
  readonly trace: readonly TraceRow[];
  /** Steps and preemptions before and after shrinking. */
  readonly shrink: {
    readonly before: { readonly steps: number; readonly preemptions: number };
    readonly after: { readonly steps: number; readonly preemptions: number };
  };
  /** Index of the execution (within the run) that found it. */
  readonly execution: number;
}

/** The verdict of one check, one shard or a merge of shards. */
export interface CheckReport {
  readonly scenario: string;
  /** Kernel version string of the era checked, e.g. `6.2`. */
  readonly kernel: string;
  readonly strategy: string;
  readonly seed: string;
  readonly params: Readonly<Record<string, number>>;
  readonly verdict: 'pass' | 'violation';
  /** True when an exhaustive strategy covered the whole space (never for a violation). */
  readonly complete: boolean;
  /**
   * Set when a `bounded` pass ran every execution with at most this many
   * preemptions but executions with more exist (then `complete` is false).
   */
  readonly completeWithinPreemptions?: number;
  /** `pass` or the invariant id the catalogue expects; absent for ad-hoc files. */
  readonly expect?: string;
  readonly stats: CheckStats;
  /** Reachability goals never met: a passing verdict with any of these is vacuous. */
  readonly unreached: readonly string[];
  /** Which part of the space this report covers, when sharded; the ledger lets `merge` rebuild the whole run. */
  readonly shard?: { readonly index: number; readonly count: number; readonly ledger?: ShardLedger };
  /**
   * Classes of interchangeable CPU tasks of which an exhaustive search explored
   * one representative per renaming (`cpu0, cpu1 interchangeable`); absent when none was used.
   */
  readonly symmetry?: readonly string[];
  /** Strategy-specific facts, e.g. PCT's per-run probability bound. */
  readonly strategyInfo?: Readonly<Record<string, string | number>>;
  readonly violation?: FoundViolation;
}

/** One subtree of an exhaustive shard, in the shard's order. */
export interface LedgerSubtree {
  readonly executions: number;
  readonly steps: number;
  readonly abandoned: number;
  readonly complete: boolean;
  /** Preemptions of the subtree's prefix (bounded: shifts its per-bound counts). */
  readonly preemptions: number;
  readonly info: StrategyInfo;
  /** Ordinal within the subtree of its violating execution. */
  readonly violationAt?: number;
}

/** What a shard report carries for the merge. */
export type ShardLedger =
  | {
      readonly kind: 'executions';
      /** Steps of the shard's executions in order, as base64url varints. */
      readonly steps: string;
      readonly info: StrategyInfo | undefined;
    }
  | {
      readonly kind: 'subtrees';
      readonly isBoundPruned: boolean;
      readonly subtrees: readonly LedgerSubtree[];
    };
