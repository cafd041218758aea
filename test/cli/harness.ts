/** Runs the cli against fakes and returns what a shell would see. */
import { runCli } from '../../cli/runCli.js';
import type { Engine } from '../../scenarios/engine/engine.js';
import { createFakeEngine, type FakeEngine } from './fakeEngine.js';
import { createFakeIo, type FakeIo } from './fakeIo.js';

/** Exit code, stdout, stderr, and the fakes for further checks. */
export interface CliRun<E extends Engine = FakeEngine> {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly io: FakeIo;
  readonly engine: E;
}

/** Runs `cgrpcheck <argv>` with a fresh (or given) fake io and engine. */
export async function cli<E extends Engine = FakeEngine>(
  argv: string[],
  io: FakeIo = createFakeIo(),
  engine: E = createFakeEngine() as unknown as E,
): Promise<CliRun<E>> {
  const code = await runCli(argv, io, engine);
  return { code, out: io.out, err: io.err, io, engine };
}
