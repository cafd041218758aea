/**
 * Merging Stryker's incremental reports (scripts/mutationReports.ts): a run of
 * one folder must not drop the others' results, and test ids, numbered per
 * run, must keep naming the same tests.
 */
import { describe, expect, it } from 'vitest';
import { type MutationReport, mergeReports } from '../../scripts/mutationReports.js';

const mutant = (id: string, status: string, coveredBy: string[], killedBy: string[] = []) => ({
  id,
  status,
  coveredBy,
  killedBy,
});

/** An earlier run of model/: test "a" was id 0 and "b" id 1. */
const base: MutationReport = {
  files: {
    'model/x.ts': { source: 'x', mutants: [mutant('1', 'Killed', ['0', '1'], ['1'])] },
    'model/y.ts': { source: 'y', mutants: [mutant('2', 'Survived', ['0'])] },
  },
  testFiles: {
    'test/t.test.ts': {
      source: 'old',
      tests: [
        { id: '0', name: 'a' },
        { id: '1', name: 'b' },
      ],
    },
  },
};

describe('mergeReports', () => {
  it("keeps base's files, puts part's over them, and renames every test to one merged id", () => {
    // A later run of properties/ and model/y.ts: its ids count the same tests otherwise.
    const part: MutationReport = {
      files: {
        'properties/p.ts': { source: 'p', mutants: [mutant('1', 'Killed', ['5'], ['5'])] },
        'model/y.ts': { source: 'y2', mutants: [mutant('1', 'Killed', ['4', '5'], ['4'])] },
      },
      testFiles: {
        'test/t.test.ts': {
          source: 'new',
          tests: [
            { id: '4', name: 'b' },
            { id: '5', name: 'a' },
          ],
        },
      },
    };
    const { report, dropped } = mergeReports(base, part);
    expect(dropped).toBe(0);
    expect(report.testFiles).toEqual({
      'test/t.test.ts': {
        source: 'new',
        tests: [
          { id: '0', name: 'b' },
          { id: '1', name: 'a' },
        ],
      },
    });
    expect(report.files).toEqual({
      'model/x.ts': { source: 'x', mutants: [mutant('1', 'Killed', ['1', '0'], ['0'])] },
      'model/y.ts': { source: 'y2', mutants: [mutant('1', 'Killed', ['0', '1'], ['0'])] },
      'properties/p.ts': { source: 'p', mutants: [mutant('1', 'Killed', ['1'], ['1'])] },
    });
  });

  it("keeps the tests of both versions of a test file, under part's source", () => {
    // Two branches' runs: part's version of the file lacks "b", which base's mutant names.
    const part: MutationReport = {
      files: {},
      testFiles: { 'test/t.test.ts': { source: 'new', tests: [{ id: '0', name: 'a' }] } },
    };
    const { report, dropped } = mergeReports(base, part);
    expect(dropped).toBe(0);
    expect(report.testFiles).toEqual({
      'test/t.test.ts': {
        source: 'new',
        tests: [
          { id: '0', name: 'a' },
          { id: '1', name: 'b' },
        ],
      },
    });
    expect(report.files['model/x.ts']?.mutants).toEqual([mutant('1', 'Killed', ['0', '1'], ['1'])]);
  });

  it('leaves out a mutant that names a test its own report does not list, and counts it', () => {
    const broken: MutationReport = {
      files: { 'model/z.ts': { source: 'z', mutants: [mutant('1', 'Killed', ['7'], ['7'])] } },
      testFiles: {},
    };
    const { report, dropped } = mergeReports(base, broken);
    expect(dropped).toBe(0); // counted for base's mutants only
    expect(report.files['model/z.ts']?.mutants).toEqual([]);
    expect(mergeReports(broken, { files: {}, testFiles: {} }).dropped).toBe(1);
  });

  it('keeps the tests of a test file only base lists', () => {
    const { report, dropped } = mergeReports(base, { files: {}, testFiles: {} });
    expect(dropped).toBe(0);
    expect(report.testFiles).toEqual(base.testFiles);
    expect(report.files).toEqual(base.files);
  });
});
