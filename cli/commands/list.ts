/** `cgrpcheck list [--json]`: the catalogue. */
import type { Engine, ScenarioInfo } from '../../scenarios/engine/engine.js';
import { hasFlag, type ParsedArgs } from '../argv.js';
import type { CliIo } from '../io.js';
import { EXIT, UsageError } from '../usageError.js';

/** Prints the catalogue as a table, or as a JSON array with `--json`. */
export function runList(args: ParsedArgs, io: CliIo, engine: Engine): number {
  if (args.positionals.length > 0) throw new UsageError(`list: unexpected argument '${args.positionals[0]}'`);
  const infos = engine.list();
  if (hasFlag(args, 'json')) {
    const entries = infos.map((s) => ({
      name: s.name,
      description: s.description,
      kernel: s.kernel,
      expect: s.expect,
      params: s.params,
    }));
    io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
  } else {
    io.stdout(renderCatalogue(infos));
  }
  return EXIT.pass;
}

/** The catalogue as aligned columns, each scenario's parameters below it. */
export function renderCatalogue(infos: readonly ScenarioInfo[]): string {
  const head = { name: 'NAME', kernel: 'KERNEL', expect: 'EXPECT' };
  const nameW = Math.max(head.name.length, ...infos.map((s) => s.name.length));
  const kernelW = Math.max(head.kernel.length, ...infos.map((s) => s.kernel.length));
  const expectW = Math.max(head.expect.length, ...infos.map((s) => s.expect.length));
  const row = (name: string, kernel: string, expect: string, description: string): string =>
    `${name.padEnd(nameW)}  ${kernel.padEnd(kernelW)}  ${expect.padEnd(expectW)}  ${description}`.trimEnd();
  const lines = [row(head.name, head.kernel, head.expect, 'DESCRIPTION')];
  for (const s of infos) {
    lines.push(row(s.name, s.kernel, s.expect, s.description));
    for (const p of s.params) {
      lines.push(`    --set ${p.name}=${p.default}  (${p.min}..${p.max}) ${p.description}`.trimEnd());
    }
  }
  return `${lines.join('\n')}\n`;
}
