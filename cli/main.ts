#!/usr/bin/env node
/**
 * The `cgrpcheck` bin: wires the real process and engine into runCli. The
 * only file that knows the engine's constructor, so the rest tests without it.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../scenarios/engine/engine.js';
import { createEngine, tuneHeapForExecutions } from '../scenarios/index.js';
import { createNodeIo } from './nodeIo.js';
import { runCli } from './runCli.js';

/** The nearest package.json named cgrpcheck (cli/ in source, dist/cli/ when built): its folder and version. */
function findPackage(): { readonly root?: string; readonly version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'cgrpcheck' && pkg.version) return { root: dir, version: pkg.version };
    } catch {
      // no package.json here; keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return { version: 'unknown' };
    dir = parent;
  }
}

/** Building the engine is checker code too: a throw is a bug, exit 3 with its stack. */
function buildEngine(): Engine | undefined {
  try {
    return createEngine();
  } catch (e) {
    process.stderr.write(
      `cgrpcheck: internal error (a checker bug; please report it with the command line)\n`,
    );
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    return undefined;
  }
}

// A reader that goes away (`cgrpcheck list | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

tuneHeapForExecutions();
const engine = buildEngine();
if (engine === undefined) process.exitCode = 3;
else {
  const pkg = findPackage();
  process.exitCode = await runCli(
    process.argv.slice(2),
    createNodeIo(pkg.version, availableParallelism(), pkg.root),
    engine,
  );
}
