/** Small helpers over the engine's reports. */
import type { CheckReport } from '../../scenarios/engine/result.js';

/** `report` with the wall time the cli measured (the core always says 0). */
export function withElapsed(report: CheckReport, elapsedMs: number): CheckReport {
  return { ...report, stats: { ...report.stats, elapsedMs: Math.max(0, Math.round(elapsedMs)) } };
}
