/**
 * The import rules of .dependency-cruiser.cjs (run by `npm test` as `npm run deps`)
 * catch what they claim to: planted violations in a scratch tree each fail with
 * the rule's name, and the real tree passes.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DEPCRUISE = join(ROOT, 'node_modules', '.bin', 'depcruise');
const scratch = mkdtempSync(join(tmpdir(), 'cgrpcheck-deps-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the project's rules over `files` (path → source) in a scratch tree; returns the error lines. */
function cruise(name: string, files: Record<string, string>): string[] {
  const dir = join(scratch, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  copyFileSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  const roots = [...new Set(Object.keys(files).map((p) => p.split('/')[0]!))];
  const r = spawnSync(DEPCRUISE, [...roots, '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.includes('error '));
}

describe('import rules', () => {
  it('a model file importing the scheduler fails model-stands-alone', () => {
    const errors = cruise('model-to-scheduler', {
      'scheduler/explore.ts': 'export const explore = 1;\n',
      'model/core/ids.ts':
        "import { explore } from '../../scheduler/explore.js';\nexport const id = explore;\n",
    });
    expect(errors).toEqual(['  error model-stands-alone: model/core/ids.ts → scheduler/explore.ts']);
  });

  it('two model files importing each other fail no-cycles, even when one import is type-only', () => {
    const errors = cruise('cycle', {
      'model/sync/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'model/sync/b.ts': "import type { a } from './a.js';\nexport const b: typeof a | 1 = 1;\n",
    });
    expect(errors).toEqual(['  error no-cycles: model/sync/a.ts → ']);
  });

  it('the scheduler reading a cgroup, a property importing a scenario, a scenario importing the cli: each fails its rule', () => {
    const errors = cruise('layers', {
      'model/cgroup/cgroup.ts': 'export const cg = 1;\n',
      'scheduler/dpor.ts': "import { cg } from '../model/cgroup/cgroup.js';\nexport const d = cg;\n",
      'cli/main.ts': 'export const main = 1;\n',
      'scenarios/engine/check.ts': "import { main } from '../../cli/main.js';\nexport const c = main;\n",
      'properties/noLeak.ts': "import { c } from '../scenarios/engine/check.js';\nexport const p = c;\n",
    });
    expect(errors).toEqual([
      '  error scheduler-knows-no-cgroup: scheduler/dpor.ts → model/cgroup/cgroup.ts',
      '  error scenarios-compose-below-the-cli: scenarios/engine/check.ts → cli/main.ts',
      '  error properties-read-the-model: properties/noLeak.ts → scenarios/engine/check.ts',
      '  error nothing-imports-the-cli: scenarios/engine/check.ts → cli/main.ts',
    ]);
  });

  it('the core touching the file system, and a state file importing an operation, fail', () => {
    const errors = cruise('state', {
      'model/kernel/kernel.ts':
        "import { lockAcquire } from '../sync/locks.js';\nexport const k = lockAcquire;\n",
      'model/sync/locks.ts':
        "import { readFileSync } from 'node:fs';\nexport const lockAcquire = readFileSync;\n",
    });
    expect(errors).toEqual([
      '  error state-below-operations: model/kernel/kernel.ts → model/sync/locks.ts',
      '  error core-is-deterministic: model/sync/locks.ts → fs',
    ]);
  });

  it('the real tree passes', () => {
    const r = spawnSync(
      DEPCRUISE,
      ['model', 'scheduler', 'properties', 'scenarios', 'cli', 'bench', 'test', '--output-type', 'err'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stdout).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });
});
