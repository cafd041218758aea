/**
 * Safe output: --out (and --junit) never replace an input, even through a
 * symlink, and are refused before anything runs; when the report cannot be
 * written a violation still exits 1 and its token still reaches .cgrpcheck/;
 * a device or FIFO --out keeps its token out of /dev.
 */
import { describe, expect, test } from 'vitest';
import { createFakeIo } from './fakeIo.js';
import { UAF_TOKEN } from './fixtures.js';
import { cli } from './harness.js';

describe('--out never overwrites an input', () => {
  test.each([
    [
      ['check', 'scen.json', '--out', 'scen.json'],
      "--out: 'scen.json' is the scenario file; refusing to overwrite an input",
    ],
    [
      ['check', 'scen.json', '--out', 'scen'],
      "--out: 'scen.token' is the scenario file; refusing to overwrite an input",
    ],
    [
      ['check', 'scen.json', '--out', 'alias.json'],
      "--out: 'alias.json' is the scenario file; refusing to overwrite an input",
    ],
    [
      ['merge', 'a.json', 'b.json', '--out', 'b.json'],
      "--out: 'b.json' is a report to merge; refusing to overwrite an input",
    ],
    [
      ['replay', 't.token', '--out', 't.token'],
      "--out: 't.token' is the token file to replay; refusing to overwrite an input",
    ],
    [
      ['test', 's', '--junit', 's/a.json'],
      "--junit: 's/a.json' is the scenario file 's/a.json'; refusing to overwrite an input",
    ],
  ])('%j: exit 2 before anything runs, the input untouched', async (argv, message) => {
    const io = createFakeIo();
    io.folders.add('/work/s');
    for (const f of ['scen.json', 'scen.token', 'a.json', 'b.json', 't.token', 's/a.json'])
      io.files.set(`/work/${f}`, 'input');
    io.links.set('/work/alias.json', '/work/scen.json');
    io.links.set('/work/scen.token', '/work/scen.json');
    const { code, out, err, engine } = await cli(argv, io);
    expect([code, out, err]).toEqual([2, '', `cgrpcheck: ${message}\n`]);
    expect(engine.checks).toEqual([]);
    for (const f of ['scen.json', 'a.json', 'b.json', 't.token', 's/a.json'])
      expect(io.files.get(`/work/${f}`)).toBe('input');
  });
});

describe('when the report cannot be written', () => {
  test('a violation still exits 1, and its token falls back to .cgrpcheck/', async () => {
    const io = createFakeIo();
    io.folders.add('/work/ro');
    io.readOnly.add('/work/ro');
    const { code, out, err } = await cli(
      ['check', 'uaf-on-destroy', '--seed', '42', '--out', 'ro/r.json'],
      io,
    );
    expect(code).toBe(1);
    expect(err).toBe("cgrpcheck: --out: cannot write 'ro/r.json': read-only file system (EROFS)\n");
    expect(out).toContain(
      'warning: could not write the token to ro/r.json.token: read-only file system (EROFS)\ntoken: .cgrpcheck/last-violation.token (replay it with: npx cgrpcheck replay .cgrpcheck/last-violation.token)\n',
    );
    expect(io.files.get('/work/.cgrpcheck/last-violation.token')).toBe(`${UAF_TOKEN}\n`);
  });

  test('a device as --out gets the report in place; the token goes to .cgrpcheck/, not beside it', async () => {
    const io = createFakeIo();
    io.folders.add('/dev');
    io.files.set('/dev/null', '');
    io.specialFiles.add('/dev/null');
    const { code, out } = await cli(['check', 'uaf-on-destroy', '--seed', '42', '--out', '/dev/null'], io);
    expect(code).toBe(1);
    expect(out).toContain('token: .cgrpcheck/last-violation.token');
    expect(io.files.has('/dev/null.token')).toBe(false);
  });
});
