/**
 * Loading scenarios by catalogue name or file path, with every input error
 * turned into one line that names the file, the field and the value.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eraOfVersion, type KernelEra } from '../../model/core/era.js';
import { CATALOGUE } from '../catalogue/index.js';
import { KNOWN_INVARIANT_IDS } from '../compile/invariants.js';
import type { ScenarioBuilder } from '../format/builder.js';
import { canonicalJson } from '../format/canonical.js';
import { scenarioInfo } from '../format/info.js';
import type { ScenarioDef } from '../format/types.js';
import { parseScenarioJson, type ValidateOptions } from '../format/validate.js';
import { KERNEL_VERSIONS } from '../format/vocabulary.js';
import type { Loaded, ScenarioInfo } from './engine.js';
import { type OpenedObject, objectProgramResolver, objectsDigest } from './objectFiles.js';

/** A scenario ready to check: its definition, where it came from, and its content hash input. */
export interface ScenarioSource {
  readonly info: ScenarioInfo;
  readonly def: ScenarioDef;
  /** `catalogue:<name>` or `file:<absolute path>`; what a replay token names, so it replays from any folder. */
  readonly id: string;
  /** Canonical JSON of the definition (and the hashes of the BPF objects it names): a token's hash covers it. */
  readonly canonical: string;
  /** The BPF objects its programs name, by path as written (empty for the catalogue). */
  readonly objects?: ReadonlyMap<string, OpenedObject>;
}

/** Validation options every load uses: the invariant ids the checker knows. */
export const VALIDATE_OPTIONS: ValidateOptions = { invariants: KNOWN_INVARIANT_IDS };

function fromDef(
  def: ScenarioDef,
  id: string,
  objects: ReadonlyMap<string, OpenedObject> = new Map(),
): ScenarioSource {
  const canonical =
    objects.size === 0 ? canonicalJson(def) : `${canonicalJson(def)}\n${objectsDigest(objects)}`;
  return { info: scenarioInfo(def), def, id, canonical, objects };
}

/** Builds a catalogue entry; a catalogue entry that does not validate is a checker bug. */
function buildEntry(b: ScenarioBuilder): ScenarioSource {
  const r = b.build(VALIDATE_OPTIONS);
  if (!r.ok) throw new Error(`catalogue entry does not validate: ${r.error.message}`);
  return fromDef(r.value, `catalogue:${r.value.name}`);
}

let catalogue: readonly ScenarioSource[] | undefined;

/** Every catalogue entry, validated, in listing order. */
export function catalogueSources(): readonly ScenarioSource[] {
  catalogue ??= CATALOGUE.map(buildEntry);
  return catalogue;
}

/** A catalogue entry by name. */
export function findCatalogueEntry(name: string): ScenarioSource | undefined {
  return catalogueSources().find((s) => s.info.name === name);
}

/** Reads and validates a scenario file. */
export function loadScenarioFile(path: string): Loaded<ScenarioSource> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    return { ok: false, error: { message: `${path}: cannot read the scenario file (${code})` } };
  }
  const objects = new Map<string, OpenedObject>();
  const options = { ...VALIDATE_OPTIONS, objectPrograms: objectProgramResolver(path, objects) };
  const r = parseScenarioJson(text, path, options);
  return r.ok ? { ok: true, value: fromDef(r.value, `file:${resolve(path)}`, objects) } : r;
}

/** A catalogue name, or a path when it ends in `.json` or names a file. */
export function loadScenario(nameOrPath: string): Loaded<ScenarioSource> {
  const entry = findCatalogueEntry(nameOrPath);
  if (entry !== undefined) return { ok: true, value: entry };
  if (nameOrPath.endsWith('.json') || nameOrPath.includes('/')) return loadScenarioFile(nameOrPath);
  const names = catalogueSources()
    .map((s) => s.info.name)
    .join(', ');
  return { ok: false, error: { message: `unknown scenario '${nameOrPath}' (known: ${names})` } };
}

/** The era of a kernel version string, or an input error naming the flag. */
export function eraOf(version: string, where: string): Loaded<KernelEra> {
  const era = eraOfVersion(version);
  if (era === undefined || !(KERNEL_VERSIONS as readonly string[]).includes(version))
    return {
      ok: false,
      error: { message: `${where}: unknown kernel '${version}' (known: ${KERNEL_VERSIONS.join(', ')})` },
    };
  return { ok: true, value: era };
}
