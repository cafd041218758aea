import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateScenario } from '../../../scenarios/format/validate.js';

// biome-ignore lint/suspicious/noExplicitAny: tests mutate raw JSON freely
type Json = any;
const example = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../../examples/${name}.json`, import.meta.url), 'utf8'));

/** The error a mutated copy of an example gets, as bad.json. */
function errorOf(name: string, mutate: (d: Json) => void): string {
  const d = example(name);
  mutate(d);
  const r = validateScenario(d, 'bad.json');
  return r.ok ? 'valid' : r.error.message;
}

describe('expectations, ordering and tasks: validation', () => {
  it.each([
    'after-rmdir',
    'rmdir-populated',
    'userspace-errnos',
    'allowed-final-values',
    'lookup-races-create',
  ])('accepts examples/%s.json', (name) => {
    expect(errorOf(name, () => {})).toBe('valid');
  });

  // Each row: one malformed input and the exact one-line message it gets.
  const cases: readonly (readonly [string, string, (d: Json) => void, string])[] = [
    [
      'an errno that does not exist',
      'after-rmdir',
      (d) => {
        d.actors[2].ops[0].expect = '-ENOENTT';
      },
      "bad.json: actors[2].ops[0].expect: unknown errno '-ENOENTT' (expected one of -EPERM, -ENOENT, -ESRCH, -E2BIG, -EBADF, -EAGAIN, -ENOMEM, -EACCES, -EBUSY, -EEXIST, -EINVAL, -EDEADLK, -ETIMEDOUT, -ENOTSUPP)",
    ],
    [
      'a result that is neither an integer nor an errno',
      'after-rmdir',
      (d) => {
        d.actors[2].ops[0].expect = true;
      },
      'bad.json: actors[2].ops[0].expect: expected a result such as 0 or \'-ENOENT\', {"anyOf": [...]} or {"reachable": [...]}, got true',
    ],
    [
      'a misspelt allowed set',
      'after-rmdir',
      (d) => {
        d.actors[2].ops[0].expect = { anyof: [0] };
      },
      'bad.json: actors[2].ops[0].expect.anyof: unknown field (allowed: anyOf)',
    ],
    [
      'an empty allowed set',
      'after-rmdir',
      (d) => {
        d.actors[2].ops[0].expect = { anyOf: [] };
      },
      'bad.json: actors[2].ops[0].expect.anyOf: expected at least 1 entry',
    ],
    [
      'a result listed twice',
      'after-rmdir',
      (d) => {
        d.actors[2].ops[0].expect = { reachable: [0, '-ENOENT', 0] };
      },
      'bad.json: actors[2].ops[0].expect.reachable[2]: duplicate result 0',
    ],
    [
      'after an actor that does not exist',
      'after-rmdir',
      (d) => {
        d.actors[2].after.actor = 'admn';
      },
      "bad.json: actors[2].after.actor: unknown actor 'admn' (user actors and cpu actors without count: cpu, admin, reader)",
    ],
    [
      'after a cpu run step that has no such name',
      'after-program-run',
      (d) => {
        d.actors[1].after.op = 'count';
      },
      "bad.json: actors[1].after.op: 'cpu' has no operation named 'count' (named: counted)",
    ],
    [
      'after an operation that has no such name',
      'after-rmdir',
      (d) => {
        d.actors[2].after.op = 'rmdir';
      },
      "bad.json: actors[2].after.op: 'admin' has no operation named 'rmdir' (named: rm)",
    ],
    [
      'actors waiting for each other',
      'after-rmdir',
      (d) => {
        d.actors[2].ops[0].name = 'look';
        d.actors[1].after = { actor: 'reader', op: 'look' };
      },
      'bad.json: actors[1].after: actors wait for each other in a circle: admin -> reader -> admin',
    ],
    [
      'two operations with one name',
      'after-rmdir',
      (d) => {
        d.actors[2].ops[0].name = 'x';
        d.actors[2].ops[1].name = 'x';
      },
      "bad.json: actors[2].ops[1].name: duplicate operation name 'x' (also actors[2].ops[0])",
    ],
    [
      'a task state typo',
      'rmdir-populated',
      (d) => {
        d.actors[0].task = 'memeber';
      },
      "bad.json: actors[0].task: unknown task state 'memeber' (expected one of exiting, member)",
    ],
    [
      'a task in an unknown cgroup',
      'rmdir-populated',
      (d) => {
        d.tasks[0].cgroup = 'ap';
      },
      "bad.json: tasks[0].cgroup: unknown cgroup 'ap' (declared: root, app, job)",
    ],
    [
      'a task named like an actor',
      'rmdir-populated',
      (d) => {
        d.tasks[0].name = 'worker';
      },
      "bad.json: tasks[0].name: duplicate task name 'worker' (also an actor)",
    ],
    [
      'migrating something that is not a task',
      'rmdir-populated',
      (d) => {
        d.setup[2].task = 'admin';
      },
      "bad.json: setup[2].task: unknown task 'admin' (movable: sleeper, worker)",
    ],
    [
      'an fd kind on a deprecated map',
      'userspace-errnos',
      (d) => {
        d.setup[10].fd = 'closed';
      },
      "bad.json: setup[10].fd: map 'old' is keyed by struct bpf_cgroup_storage_key or a cgroup id, not an fd; remove 'fd'",
    ],
    [
      'running a program from a user actor',
      'after-rmdir',
      (d) => {
        d.actors[2].ops[0] = { op: 'run', program: 'count', cgroup: 'app' };
      },
      "bad.json: actors[2].ops[0].op: 'run' is for setup; a cpu actor runs programs concurrently",
    ],
    [
      'running an undeclared program in setup',
      'after-rmdir',
      (d) => {
        d.setup[0].program = 'cnt';
      },
      "bad.json: setup[0].program: unknown program 'cnt' (declared: count)",
    ],
    [
      'global data larger than a value',
      'global-data',
      (d) => {
        d.programs[0].data = 513;
      },
      'bad.json: programs[0].data: 513 is outside [1, 512]',
    ],
    [
      'an expected call on a line that is not a storage helper call',
      'helper-results',
      (d) => {
        d.programs[1].expectCalls[0].insn = 2;
      },
      "bad.json: programs[1].expectCalls[0].insn: insns[2] is 'atomic_add [r0+0] 1', not a call of get, delete or get_local_storage",
    ],
    [
      'an expected call past the end',
      'helper-results',
      (d) => {
        d.programs[0].expectCalls[0].insn = 2;
      },
      'bad.json: programs[0].expectCalls[0].insn: 2 is past the last of 2 instructions',
    ],
    [
      'a helper result that is not one',
      'helper-results',
      (d) => {
        d.programs[0].expectCalls[0].expect = 'null';
      },
      "bad.json: programs[0].expectCalls[0].expect: unknown helper result 'null' (expected one of NULL, pointer, -EPERM, -ENOENT, -ESRCH, -E2BIG, -EBADF, -EAGAIN, -ENOMEM, -EACCES, -EBUSY, -EEXIST, -EINVAL, -EDEADLK, -ETIMEDOUT, -ENOTSUPP)",
    ],
    [
      'a final value given two ways',
      'allowed-final-values',
      (d) => {
        d.expectFinal[0].value = [2];
      },
      "bad.json: expectFinal[0].anyOf: give one of value, anyOf and reachable, not 'value' and 'anyOf'",
    ],
    [
      'a final value that is neither words nor null',
      'allowed-final-values',
      (d) => {
        d.expectFinal[1].reachable = [[2], 'absent'];
      },
      'bad.json: expectFinal[1].reachable[1]: expected an array of u64 words, or null for no entry',
    ],
    [
      'a final value too wide for the map',
      'allowed-final-values',
      (d) => {
        d.expectFinal[1].reachable = [[2, 0]];
      },
      'valid',
    ],
  ];

  it.each(cases)('%s', (_name, file, mutate, message) => {
    expect(errorOf(file, mutate)).toBe(message);
  });

  it('a reachability goal outside the tool’s list is named with the list; any kebab-case id when asked', () => {
    const d = example('allowed-final-values');
    d.reachability = ['my-goal'];
    const strict = validateScenario(d, 'x.json');
    expect(strict.ok ? 'valid' : strict.error.message).toBe(
      "x.json: reachability[0]: unknown reachability goal 'my-goal' (expected one of cgroup-freed-while-running, get-returned-null, element-replaced-while-held, racing-deletes, lost-update, nested-helper-failed, create-refused-dying)",
    );
    expect(validateScenario(d, 'x.json', { reachability: 'any' }).ok).toBe(true);
    d.reachability = ['My goal'];
    const loose = validateScenario(d, 'x.json', { reachability: 'any' });
    expect(loose.ok ? 'valid' : loose.error.message).toBe(
      "x.json: reachability[0]: expected a goal id in kebab-case, got 'My goal'",
    );
  });
});
