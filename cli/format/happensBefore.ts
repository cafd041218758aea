/**
 * The happens-before graph of a counterexample, as a graphlib Graph: a node
 * per step; an edge from each step to its task's next step (program order)
 * and from the last earlier conflicting step of every other task (same
 * object, not both reads). Edges implied by others are removed (transitive
 * reduction), so the picture shows only the orderings that matter.
 */
import { Graph } from '@dagrejs/graphlib';
import type { TraceRow } from '../../scenarios/engine/result.js';

/** Label of a step node. */
export interface StepNode {
  readonly row: TraceRow;
}

/** Label of an edge: program order, or a conflict on the listed objects. */
export interface OrderEdge {
  readonly kind: 'program' | 'conflict';
  readonly objs: readonly number[];
}

/** The node id of step `index`. */
export function stepId(index: number): string {
  return `s${index}`;
}

/** Builds the transitively reduced happens-before graph of `trace`. */
export function buildHappensBefore(trace: readonly TraceRow[]): Graph<string, StepNode, OrderEdge> {
  const g = new Graph<string, StepNode, OrderEdge>({ directed: true });
  for (const row of trace) g.setNode(stepId(row.index), { row });
  const edges = new Map<number, Map<number, OrderEdge>>(); // to → from → label
  trace.forEach((row, j) => {
    const into = new Map<number, OrderEdge>();
    const latestOf = new Set<number>();
    for (let i = j - 1; i >= 0; i--) {
      const earlier = trace[i]!;
      if (earlier.task === row.task) {
        if (!latestOf.has(row.task)) into.set(i, { kind: 'program', objs: [] });
        latestOf.add(row.task);
        continue;
      }
      if (latestOf.has(earlier.task)) continue;
      const objs = conflictingObjs(earlier, row);
      if (objs.length === 0) continue;
      into.set(i, { kind: 'conflict', objs });
      latestOf.add(earlier.task);
    }
    edges.set(j, into);
  });
  for (const [j, into] of reduce(trace.length, edges)) {
    for (const [i, label] of [...into].sort((a, b) => a[0] - b[0])) {
      g.setEdge(stepId(trace[i]!.index), stepId(trace[j]!.index), label);
    }
  }
  return g;
}

/** Objects both steps touch where at least one access is not a read, ascending. */
export function conflictingObjs(a: TraceRow, b: TraceRow): number[] {
  const objs = new Set<number>();
  for (const x of a.accesses) {
    for (const y of b.accesses) {
      if (x.obj === y.obj && (x.kind !== 'read' || y.kind !== 'read')) objs.add(x.obj);
    }
  }
  return [...objs].sort((p, q) => p - q);
}

/**
 * Transitive reduction of a DAG whose edges all go from lower to higher
 * positions: an edge i→j goes when j is reachable from i through another
 * direct successor of i (visited in ascending order, so it is found first).
 */
function reduce(n: number, into: Map<number, Map<number, OrderEdge>>): Map<number, Map<number, OrderEdge>> {
  const succ: number[][] = Array.from({ length: n }, () => []);
  for (const [j, from] of into) for (const i of from.keys()) succ[i]!.push(j);
  const reach: Set<number>[] = Array.from({ length: n }, () => new Set());
  const kept = new Map<number, Map<number, OrderEdge>>();
  for (let i = n - 1; i >= 0; i--) {
    for (const j of succ[i]!.sort((a, b) => a - b)) {
      if (reach[i]!.has(j)) continue;
      if (!kept.has(j)) kept.set(j, new Map());
      kept.get(j)!.set(i, into.get(j)!.get(i)!);
      reach[i]!.add(j);
      for (const k of reach[j]!) reach[i]!.add(k);
    }
  }
  return new Map([...kept].sort((a, b) => a[0] - b[0]));
}
