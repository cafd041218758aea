/**
 * `cgrpcheck test` over the fake engine: one line per scenario, a summary,
 * keep going after a failure, exit codes, JUnit, GitHub annotations and the
 * step summary, config suites and budgets, shards, Ctrl-C, bad input.
 */
import { describe, expect, test } from 'vitest';
import { createFakeEngine } from '../fakeEngine.js';
import { createFakeIo } from '../fakeIo.js';
import { UAF_TOKEN } from '../fixtures.js';
import { cli } from '../harness.js';

const FAIL_LINE = `FAIL  uaf-on-destroy: expected pass, found a violation of no-use-after-free (random, 7 executions, 0.0 s)
       replay: npx cgrpcheck replay ${UAF_TOKEN}`;

describe('cgrpcheck test --catalogue', () => {
  test('a line per scenario, the failure does not stop the rest, exit 1', async () => {
    const { code, out, err, engine } = await cli(['test', '--catalogue']);
    expect(out).toBe(`cgrpcheck test: 2 scenarios; seed catalogue
${FAIL_LINE}
PASS  busy-get (random, 300 executions, 0.0 s)
2 scenarios: 1 passed, 1 failed; FAILED
`);
    expect([code, err]).toEqual([1, '']);
    // Defaults: the catalogue's budget and seed, one worker.
    expect(
      engine.checks.map((c) => [
        c.scenario,
        c.options.strategy,
        c.options.runs,
        c.options.seed,
        c.options.workers,
      ]),
    ).toEqual([
      ['uaf-on-destroy', 'random', 300, 'catalogue', 1],
      ['busy-get', 'random', 300, 'catalogue', 1],
    ]);
  });

  test('every scenario meeting its expectation exits 0', async () => {
    const { code, out } = await cli(['test', '--catalogue', '--shard', '1/2', '--seed', 's1']);
    expect(out).toBe(`cgrpcheck test: 1 scenario; seed s1, shard 1/2
PASS  busy-get (random, 300 executions, 0.0 s)
1 scenario: 1 passed, 0 failed; every scenario met its expectation
`);
    expect(code).toBe(0);
  });

  test('--junit writes one <testsuites> with a testcase per scenario', async () => {
    const { io } = await cli(['test', '--catalogue', '--junit', 'out.xml']);
    const xml = io.files.get('/work/out.xml')!;
    expect(xml.split('\n').slice(0, 8)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="cgrpcheck" tests="2" failures="1" errors="0" skipped="0" time="0.000">',
      '  <testsuite name="catalogue" tests="2" failures="1" errors="0" skipped="0" time="0.000">',
      '    <properties>',
      '      <property name="seed" value="catalogue"/>',
      '      <property name="strict" value="false"/>',
      '    </properties>',
      '    <testcase name="uaf-on-destroy" classname="cgrpcheck.catalogue" time="0.000">',
    ]);
    expect(xml).toContain(
      '      <failure message="expected pass, found a violation of no-use-after-free" type="no-use-after-free">',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toContain('    <testcase name="busy-get" classname="cgrpcheck.catalogue" time="0.000">');
  });

  test('under GitHub Actions: an ::error annotation and a Markdown step summary', async () => {
    const io = createFakeIo({ env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/work/summary.md' } });
    for (const f of ['/pkg', '/pkg/scenarios', '/pkg/scenarios/catalogue']) io.folders.add(f);
    io.files.set(
      '/pkg/scenarios/catalogue/x.ts',
      "// entries\nexport const a = scenario('uaf-on-destroy')\n",
    );
    const { out } = await cli(['test', '--catalogue'], io);
    expect(out).toContain(
      `\n::error file=../pkg/scenarios/catalogue/x.ts,line=2,title=cgrpcheck%3A uaf-on-destroy::expected pass, found a violation of no-use-after-free%0Areplay: npx cgrpcheck replay ${UAF_TOKEN}\n`,
    );
    expect(io.files.get('/work/summary.md')).toBe(`### cgrpcheck test: 1 of 2 scenarios met their expectation

seed catalogue

| | suite | scenario | expected | found | strategy, executions | note |
|---|---|---|---|---|---|---|
| ❌ | catalogue | \`uaf-on-destroy\` | pass | no-use-after-free | random, 7 | expected pass, found a violation of no-use-after-free |
| ✅ | catalogue | \`busy-get\` | pass | pass | random, 300 |  |

**Replay the failures:**

- \`uaf-on-destroy\`: \`npx cgrpcheck replay ${UAF_TOKEN}\`
`);
  });

  test('--github off silences them under Actions; --github on forces them elsewhere', async () => {
    const env = { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: '/work/summary.md' };
    const off = await cli(['test', '--catalogue', '--github', 'off'], createFakeIo({ env }));
    expect(off.out).not.toContain('::error');
    expect(off.io.files.has('/work/summary.md')).toBe(false);
    const on = await cli(['test', '--catalogue', '--github', 'on']);
    expect(on.out).toContain('::error title=cgrpcheck%3A uaf-on-destroy::');
    expect(on.err).toBe('cgrpcheck: GITHUB_STEP_SUMMARY is not set; no step summary written\n');
  });

  test('Ctrl-C stops the current scenario after its execution and skips the rest', async () => {
    const io = createFakeIo();
    const engine = createFakeEngine({ onExecution: (i) => i === 2 && io.interrupt() });
    const { code, out, err } = await cli(['test', '--catalogue'], io, engine);
    expect(err).toBe('cgrpcheck: stopping after the current execution (Ctrl-C again to exit now)\n');
    expect(out).toBe(`cgrpcheck test: 2 scenarios; seed catalogue
PASS  uaf-on-destroy: warning: interrupted after 3 executions (random, 3 executions, 0.0 s)
2 scenarios: 1 passed, 0 failed, 1 not run (interrupted); FAILED
`);
    expect(code).toBe(1);
  });

  test('--strict fails a stopped pass', async () => {
    const io = createFakeIo();
    io.tickMs = 400;
    const { code, out } = await cli(
      ['test', '--catalogue', '--strict', '--time-budget', '1', '--shard', '1/2'],
      io,
    );
    expect(out).toContain(
      'FAIL  busy-get: stopped by the time budget after 2 executions (random, 2 executions,',
    );
    expect(code).toBe(1);
  });
});

describe('cgrpcheck.config.json', () => {
  const withConfig = (config: unknown) => {
    const io = createFakeIo();
    io.files.set('/work/cgrpcheck.config.json', JSON.stringify(config));
    return io;
  };

  test('its suites run when no paths are given, with its seed and budget defaults', async () => {
    const io = withConfig({
      seed: 'nightly',
      budget: { strategy: 'pct', runs: 50 },
      suites: [{ name: 'cat', catalogue: true, budget: { runs: 20 } }],
    });
    const { out, engine } = await cli(['test', '--shard', '1/2'], io);
    expect(out.split('\n')[0]).toBe('cgrpcheck test: 1 scenario; seed nightly, shard 1/2');
    expect(engine.checks.map((c) => [c.options.strategy, c.options.runs, c.options.seed])).toEqual([
      ['pct', 20, 'nightly'],
    ]);
  });

  test('a bad config is bad input: exit 2, one line naming the field and value, nothing run', async () => {
    const io = withConfig({ suites: [{ name: 'x', catalogue: true, budget: { runs: 0 } }] });
    const { code, out, err, engine } = await cli(['test'], io);
    expect([code, out]).toEqual([2, '']);
    expect(err).toBe(
      'cgrpcheck: cgrpcheck.config.json: suites[0].budget.runs: Too small: expected number to be >0 (got 0)\n',
    );
    expect(engine.checks).toEqual([]);
  });
});

describe('bad input', () => {
  test.each([
    [
      ['test'],
      'test: nothing to run: give scenario files or folders, --catalogue, or suites in cgrpcheck.config.json',
    ],
    [['test', 'nope.json'], "test: no such file or folder 'nope.json'"],
    [['test', '--catalogue', '--github', 'yes'], "--github: unknown value 'yes' (known: auto, on, off)"],
    [['test', '--config', 'c.json'], "--config: no such file 'c.json'"],
    [['test', '--catalogue', '--junit', 'no/out.xml'], "--junit: folder 'no' does not exist"],
    [['test', '--catalogue', '--out', 'x'], "option '--out' does not apply to 'test'"],
  ])('%j: exit 2 and one line', async (argv, message) => {
    const { code, out, err, engine } = await cli(argv);
    expect([code, out, err]).toEqual([2, '', `cgrpcheck: ${message}\n`]);
    expect(engine.checks).toEqual([]);
  });

  test('a scenario file that does not load stops the run before anything is checked', async () => {
    const io = createFakeIo();
    io.folders.add('/work/s');
    io.files.set('/work/s/a.json', '{"actors": []}');
    io.files.set('/work/broken.json', '{}');
    const { code, err, engine } = await cli(['test', 's', 'broken.json'], io);
    expect([code, err]).toEqual([2, "cgrpcheck: broken.json: tasks[0].ops: expected an array, got 'lock'\n"]);
    expect(engine.checks).toEqual([]);
  });

  test('folders are walked in code-unit order, skipping hidden files, schemas and non-JSON', async () => {
    const io = createFakeIo();
    for (const f of ['/work/s', '/work/s/b', '/work/s/.git']) io.folders.add(f);
    for (const f of ['s/b/z.json', 's/a.json', 's/B.json', 's/x.schema.json', 's/notes.md', 's/.git/c.json'])
      io.files.set(`/work/${f}`, '{"actors": []}');
    // Not valid JSON: taken, so that the loader reports where it breaks.
    io.files.set('/work/s/c.json', '{"actors": ');
    // A scenario by its $schema, even without actors (the loader then says what is missing).
    io.files.set('/work/s/d.json', '{"$schema": "../scenarios/scenario.schema.json"}');
    // Another JSON file, e.g. a build manifest: skipped, and the run says so.
    io.files.set('/work/s/b/manifest.json', '{"objects": []}');
    const { engine, out } = await cli(['test', 's'], io);
    expect(engine.loads).toEqual([
      '/work/s/B.json',
      '/work/s/a.json',
      '/work/s/b/z.json',
      '/work/s/c.json',
      '/work/s/d.json',
    ]);
    expect(out.split('\n')[1]).toBe(
      'not scenario files (no actors, no scenario $schema), skipped: s/b/manifest.json',
    );
  });
});
