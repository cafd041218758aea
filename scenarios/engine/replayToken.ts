/**
 * Replaying a token: decode it, find its scenario (catalogue entry or file),
 * rebuild the run with the recorded kernel and parameters, and replay the
 * choice stream exactly. A changed scenario or model is reported, and a stream
 * that no longer fits names the step where it diverges.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ERA_VERSIONS } from '../../model/core/era.js';
import { diffScenarioIdentity } from '../../scheduler/replay.js';
import { decodeToken, hashContent } from '../../scheduler/scheduleCodec.js';
import type { Loaded } from './engine.js';
import { findCatalogueEntry, loadScenarioFile, type ScenarioSource } from './load.js';
import { prepareRun } from './prepare.js';
import type { CheckReport } from './result.js';
import { replayRows } from './trace.js';

/** Replays with the default step budget. */
export const REPLAY_MAX_STEPS = 10_000;

const bad = (message: string): Loaded<never> => ({ ok: false, error: { message } });

function sourceOf(scenarioId: string, scenarioHash: string): Loaded<ScenarioSource> {
  if (scenarioId.startsWith('catalogue:')) {
    const entry = findCatalogueEntry(scenarioId.slice('catalogue:'.length));
    return entry === undefined
      ? bad(`token: scenario '${scenarioId}' is not in this catalogue`)
      : { ok: true, value: entry };
  }
  if (scenarioId.startsWith('file:')) return scenarioFileOf(scenarioId.slice('file:'.length), scenarioHash);
  return bad(`token: unknown scenario id '${scenarioId}'`);
}

/**
 * The token's scenario file, by the absolute path it records; when that is
 * missing (another machine, a moved checkout), a file of the same name in the
 * working directory with exactly the recorded content. Otherwise an error that
 * names the file the token needs.
 */
function scenarioFileOf(recorded: string, scenarioHash: string): Loaded<ScenarioSource> {
  if (existsSync(recorded)) return loadScenarioFile(recorded);
  const here = resolve(basename(recorded));
  if (here !== recorded && existsSync(here)) {
    const local = loadScenarioFile(here);
    if (local.ok && hashContent(local.value.canonical) === scenarioHash) return local;
  }
  return bad(
    `token: needs the scenario file '${recorded}', which does not exist here; replay where it exists, or from a folder holding a '${basename(recorded)}' with the same content`,
  );
}

function paramsOf(options: Readonly<Record<string, string | number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(options)) if (k.startsWith('param.')) out[k.slice(6)] = Number(v);
  return out;
}

/** The token text: the argument itself, or the first line of the file it names. */
export function readTokenText(tokenOrPath: string): string {
  if (!tokenOrPath.startsWith('cgrp') && existsSync(tokenOrPath))
    return readFileSync(tokenOrPath, 'utf8').trim();
  return tokenOrPath.trim();
}

/**
 * Replays a token into a report whose trace and violation are exactly the
 * recorded ones. `given` replaces the lookup of the token's scenario (the API
 * replays scenarios that exist only in a test's code).
 */
export function replayTokenReport(tokenOrPath: string, given?: ScenarioSource): Loaded<CheckReport> {
  const decoded = decodeToken(readTokenText(tokenOrPath));
  if (!decoded.ok) return bad(`token: ${decoded.error}`);
  const t = decoded.value;
  const source: Loaded<ScenarioSource> =
    given === undefined ? sourceOf(t.scenarioId, t.scenarioHash) : { ok: true, value: given };
  if (!source.ok) return source;
  const kernel = String(t.modelOptions.kernel ?? source.value.def.kernel);
  const prepared = prepareRun(source.value, kernel, paramsOf(t.modelOptions));
  if (!prepared.ok) return prepared;
  const run = prepared.value;
  const changes = diffScenarioIdentity(t, run.identity);
  const replayed = replayRows(run.factory, t.choices, REPLAY_MAX_STEPS);
  if (replayed.divergence !== undefined) {
    const why = changes.length === 0 ? '' : ` (${changes.join('; ')})`;
    return bad(
      `token: replay diverges at step ${replayed.divergence.step}: ${replayed.divergence.reason}${why}`,
    );
  }
  const v = replayed.outcome.violation;
  const steps = replayed.outcome.steps;
  const report: CheckReport = {
    scenario: run.source.info.name,
    kernel: ERA_VERSIONS[run.era],
    strategy: t.strategy,
    seed: t.seed,
    params: run.def.params,
    verdict: v === undefined ? 'pass' : 'violation',
    complete: false,
    ...(run.def.expect === undefined ? {} : { expect: run.def.expect }),
    stats: { executions: 1, steps, elapsedMs: 0, abandoned: 0 },
    unreached: [],
    ...(changes.length === 0 ? {} : { strategyInfo: { changes: changes.join('; ') } }),
    ...(v === undefined
      ? {}
      : {
          violation: {
            invariant: v.invariant,
            message: v.message,
            replay: readTokenText(tokenOrPath),
            trace: replayed.rows,
            shrink: {
              before: { steps, preemptions: replayed.outcome.preemptions },
              after: { steps, preemptions: replayed.outcome.preemptions },
            },
            execution: t.executionIndex,
          },
        }),
  };
  return { ok: true, value: report };
}
