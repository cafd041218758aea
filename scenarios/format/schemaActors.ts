/**
 * The scenario schema, part two: actors, userspace operations, expected
 * results and final values. Names and ranges only; which names are declared
 * is checked on top (references.ts).
 */
import { z } from 'zod';
import { show } from './paths.js';
import {
  ACTOR_KINDS,
  ATTACH_TYPES,
  ERRNO_RESULTS,
  FD_KINDS,
  LOOKUP_FLAGS,
  MAX_CPUS,
  MAX_TIMES,
  OPS,
  TASK_STATES,
  UPDATE_FLAGS,
} from './vocabulary.js';
import { distinct, list, name, num, obj, oneOf, set, tagged, text } from './zodFields.js';

const MAX_WORD = Number.MAX_SAFE_INTEGER;
const KEY_NOTE = 'A declared cgroup: the key.';
const ATTACH_NOTE =
  'For a deprecated map with key "isolated": the attach type half of struct bpf_cgroup_storage_key. Required there, forbidden for other maps.';

const attachType = () => oneOf(ATTACH_TYPES, 'attach type', ATTACH_NOTE).optional();
const words = (description: string) => list(num(0, MAX_WORD, 'One u64 word.'), description, 1);

/** One result: an integer (0 on success) or a word from `words` (negative errnos, and for helpers NULL or pointer). */
const resultOf = (words: readonly [string, ...string[]], id: string, description: string) =>
  z
    .union(
      [
        z.int({
          error: (iss) => `expected an integer or one of ${words.join(', ')}, got ${show(iss.input)}`,
        }),
        oneOf(words, id === 'helperResult' ? 'helper result' : 'errno', 'A result by name.'),
      ],
      { error: (iss) => `expected an integer or one of ${words.join(', ')}, got ${show(iss.input)}` },
    )
    .describe(description)
    .meta({ id });

/** What a call must return: one result, one of several, or results some execution must show. */
const expectOf = <R extends z.ZodType>(result: R, what: string, invariant: string, id: string) => {
  const results = (description: string) => list(result, description, 1).superRefine(distinct('result'));
  return z
    .union(
      [
        result,
        obj(
          { anyOf: results('Every execution returns one of these.') },
          'Every execution returns one of these results.',
        ),
        obj(
          { reachable: results('Each is returned in at least one execution (a reachability goal).') },
          'Results that at least one execution must show each; unmet at the end of the search, a pass is vacuous.',
        ),
      ],
      {
        error: (iss) =>
          `expected a result such as ${what}, {"anyOf": [...]} or {"reachable": [...]}, got ${show(iss.input)}`,
      },
    )
    .describe(
      `What it returns: a result (every execution returns it; else a violation of ${invariant}), {"anyOf": [...]} (every execution returns one of them), or {"reachable": [...]} (each is returned in some execution).`,
    )
    .meta({ id });
};

/** What a userspace operation must return. */
export const opExpect = expectOf(
  resultOf(
    ERRNO_RESULTS,
    'result',
    'A return value (0 on success) or a negative errno by name, e.g. "-ENOENT".',
  ),
  "0 or '-ENOENT'",
  'op-result',
  'opExpect',
);

/** What a helper call must return. */
const helperExpect = expectOf(
  resultOf(
    ['NULL', 'pointer', ...ERRNO_RESULTS],
    'helperResult',
    'What a helper returns: "NULL" or "pointer" (bpf_cgrp_storage_get, bpf_get_local_storage), 0 or a negative errno by name (bpf_cgrp_storage_delete).',
  ),
  "'pointer', 'NULL' or '-ENOENT'",
  'helper-result',
  'helperExpect',
);

/** An expectation on one helper call of a program. */
export const expectCall = obj(
  {
    insn: z
      .int({ error: (iss) => `expected an index into insns, got ${show(iss.input)}` })
      .min(0)
      .describe('The index in `insns` of a `call get`, `call delete` or `call get_local_storage` line.'),
    expect: helperExpect,
  },
  'What one helper call returns, in whichever actor runs the program.',
).meta({ id: 'expectCall' });

const opBase = {
  name: name(
    "A label for this operation, unique in its actor: what another actor's `after` names.",
  ).optional(),
  expect: opExpect.optional(),
};

const mapKey = {
  map: name('A declared map.'),
  cgroup: name(KEY_NOTE),
  attachType: attachType(),
};

/** Which fd a cgrp_storage command passes as its key. */
const fd = oneOf(
  FD_KINDS,
  'fd kind',
  'cgrp_storage maps only: the fd passed as the key. "open" (default): the cgroup directory\'s fd, opened before the run (once the cgroup is removed, the fd of a removed cgroup: -ENOENT); "closed": that fd after close(2) (-EBADF); "file": an fd of a regular file in the directory, not a cgroup (-EBADF).',
).optional();

const lookupOp = obj(
  {
    op: z.literal('lookup').describe('"lookup".'),
    ...mapKey,
    fd,
    flags: set(
      LOOKUP_FLAGS,
      'lookup flag',
      "BPF_F_LOCK: copy under the value's spin lock. Default none.",
    ).optional(),
    ...opBase,
  },
  "BPF_MAP_LOOKUP_ELEM, keyed by the cgroup's fd: 0 or a negative errno.",
).meta({ id: 'lookupOp' });

const updateOp = obj(
  {
    op: z.literal('update').describe('"update".'),
    ...mapKey,
    fd,
    value: words(
      'The new value as u64 words from offset 0, the rest zero; at most ceil(valueSize / 8) words.',
    ),
    flags: set(
      UPDATE_FLAGS,
      'update flag',
      'Flags OR-ed together; absent or [] is BPF_ANY. Bad combinations are kernel behaviour (-EINVAL), not format errors.',
    ).optional(),
    ...opBase,
  },
  "BPF_MAP_UPDATE_ELEM, keyed by the cgroup's fd: 0 or a negative errno.",
).meta({ id: 'updateOp' });

const deleteOp = obj(
  { op: z.literal('delete').describe('"delete".'), ...mapKey, fd, ...opBase },
  "BPF_MAP_DELETE_ELEM, keyed by the cgroup's fd: 0 or a negative errno.",
).meta({ id: 'deleteOp' });

const getNextKeyOp = obj(
  {
    op: z.literal('get-next-key').describe('"get-next-key".'),
    map: name('A declared map.'),
    cgroup: name("The current key's cgroup; absent asks for the first key.").optional(),
    attachType: attachType(),
    ...opBase,
  },
  'BPF_MAP_GET_NEXT_KEY: 0 or a negative errno.',
).meta({ id: 'getNextKeyOp' });

const rmdirOp = obj(
  { op: z.literal('rmdir').describe('"rmdir".'), cgroup: name('A declared cgroup.'), ...opBase },
  'rmdir(2) of a cgroup: -EBUSY while it has online children or is populated (cgroup_destroy_locked), -ENOENT once removed; else 0, offline now, freed (bpf_cgrp_storage_free) after its last reference and a grace period.',
).meta({ id: 'rmdirOp' });

const closeMapOp = obj(
  { op: z.literal('close-map').describe('"close-map".'), map: name('A declared map.'), ...opBase },
  "close(2) of userspace's map fd (0, or -EBADF the second time); the map is freed (map_free) once no program holds it.",
).meta({ id: 'closeMapOp' });

const attachOp = obj(
  {
    op: z.enum(['attach', 'detach']).describe('"attach" or "detach".'),
    program: name('A declared cgroup or lsm_cgroup program.'),
    cgroup: name('A declared cgroup.'),
    ...opBase,
  },
  'BPF_PROG_ATTACH (with BPF_F_ALLOW_MULTI) or BPF_PROG_DETACH of a cgroup program, under cgroup_mutex.',
).meta({ id: 'attachOp' });

const migrateOp = obj(
  {
    op: z.literal('migrate').describe('"migrate".'),
    task: name('A task of `tasks`, or a cpu actor with task "member".'),
    cgroup: name('The declared cgroup it moves to.'),
    ...opBase,
  },
  "Writing a task's pid to cgroup.procs (cgroup_attach_task under cgroup_mutex): the task moves to `cgroup`, its old cgroup may become unpopulated. 0, or -ENOENT when the target is removed.",
).meta({ id: 'migrateOp' });

const runOp = obj(
  {
    op: z.literal('run').describe('"run".'),
    program: name('A declared program that is not a cgroup program.'),
    cgroup: name("The task's cgroup while it runs (cg=current)."),
    times: num(1, MAX_TIMES, 'How many times in a row. Default 1.').optional(),
    ...opBase,
  },
  "Setup only: run a program to completion as if its hook fired in a task of `cgroup` (e.g. to create storage before the actors start); its result is the program's return value (r0 at exit) of the last run.",
).meta({ id: 'runOp' });

/** One userspace operation, by `op`. */
export const userOp = tagged(
  'op',
  'operation',
  OPS,
  [lookupOp, updateOp, deleteOp, getNextKeyOp, rmdirOp, closeMapOp, attachOp, migrateOp, runOp],
  'One userspace operation, by `op`.',
).meta({ id: 'userOp' });

const after = obj(
  {
    actor: name('A cpu or user actor (for a cpu actor with `count`, its expanded name, e.g. cpu0).'),
    op: name("The `name` of one of that user actor's operations."),
  },
  'Start only once this operation of another user actor has returned.',
).meta({ id: 'after' });

const runProgram = obj(
  {
    program: name('A declared program that is not a cgroup program (those run through `hook`).'),
    times: num(1, MAX_TIMES, 'How many times in a row. Default 1.').optional(),
  },
  'Run one non-cgroup program as if its hook fired on this CPU.',
).meta({ id: 'runProgram' });

const runHook = obj(
  {
    hook: text(
      'A cgroup attach point (ingress, egress, sock_create, connect4, connect6, sock_ops, device, sysctl, getsockopt, setsockopt) or lsm_cgroup/<attach> of a declared lsm_cgroup program.',
    ),
    times: num(1, MAX_TIMES, 'How many times in a row. Default 1.').optional(),
  },
  "Fire a cgroup hook: every program attached there runs, for the task's cgroup (bpf_prog_run_array_cg), with the attaching cgroup's storage.",
).meta({ id: 'runHook' });

const cpuActor = obj(
  {
    kind: z.literal('cpu').describe('"cpu".'),
    name: name("The task's name; with `count`, the copies are named <name>0, <name>1, ..."),
    count: num(
      1,
      MAX_CPUS,
      'How many copies of this task, each on its own CPU. Absent: one task named exactly `name`.',
    ).optional(),
    cpu: num(
      0,
      MAX_CPUS - 1,
      'The CPU of the first copy (the others follow). Absent: CPUs 0, 1, ... are handed out in actor order. Two actors on one CPU preempt each other.',
    ).optional(),
    cgroup: name('The cgroup the task runs in.'),
    task: oneOf(
      TASK_STATES,
      'task state',
      '"member": the task is in its cgroup (it populates it, so rmdir gets -EBUSY) until it exits after its last run step (cgroup_exit). "exiting" (default): the task is past cgroup_exit, running programs on its exit path; its css_set still pins the cgroup, which is not populated by it.',
    ).optional(),
    after: after.optional(),
    run: list(
      z.union([runProgram, runHook]).describe('One step: a program, or a cgroup hook.'),
      'What the task runs, in order.',
      1,
    ),
  },
  'A task on a CPU running programs in order, in its cgroup (cg=current).',
).meta({ id: 'cpuActor' });

const userActor = obj(
  {
    kind: z.literal('user').describe('"user".'),
    name: name("The thread's name."),
    cpu: num(
      0,
      MAX_CPUS - 1,
      "The CPU it runs on (the syscall paths take that CPU's busy counter in E1/E2). Absent: the next CPU in actor order.",
    ).optional(),
    after: after.optional(),
    ops: list(userOp, 'Operations, in order.', 1),
  },
  'A userspace thread issuing bpf(2) commands and cgroup operations in order.',
).meta({ id: 'userActor' });

const traceActor = obj(
  {
    kind: z.literal('trace').describe('"trace".'),
    program: name(
      'A declared fentry, fexit or kprobe program whose `attach` is a kernel function the model fires (e.g. bpf_local_storage_update).',
    ),
    times: num(
      1,
      MAX_TIMES,
      'Fire at most this many times per execution. Default: every time the hook is reached.',
    ).optional(),
  },
  "A tracing program attached for the whole run: it runs nested on whatever actor reaches its hook (fentry/fexit/kprobe on the program's `attach`).",
).meta({ id: 'traceActor' });

/** One actor, by `kind`. */
export const actor = tagged(
  'kind',
  'actor kind',
  ACTOR_KINDS,
  [cpuActor, userActor, traceActor],
  'One actor, by `kind`.',
).meta({
  id: 'actor',
});

/** A final value: u64 words, or null for "no entry". */
const finalWords = z
  .union([words('u64 words from offset 0, the rest zero.'), z.null()], {
    error: () => 'expected an array of u64 words, or null for no entry',
  })
  .describe('u64 words from offset 0 (the rest zero), or null: the key has no entry.');

/** One `expectFinal` entry. */
export const finalValue = obj(
  {
    ...mapKey,
    value: words(
      'The expected value as u64 words from offset 0, the rest zero; at most ceil(valueSize / 8) words. For a per-CPU map, each word summed over CPUs. Absent (and no anyOf or reachable): the key has no entry.',
    ).optional(),
    times: num(
      0,
      MAX_WORD,
      'Multiplies every word of `value`, e.g. "$cpus" when each CPU adds `value` once. Default 1. Needs `value`.',
    ).optional(),
    anyOf: list(
      finalWords,
      'Every execution ends with one of these values (null: no entry). Instead of `value`.',
      1,
    )
      .superRefine(distinct('value'))
      .optional(),
    reachable: list(
      finalWords,
      'Each of these values (null: no entry) ends at least one execution: reachability goals. Instead of `value`.',
      1,
    )
      .superRefine(distinct('value'))
      .optional(),
  },
  'What one key of a map holds when an execution ends: exactly `value` (times `times`), one of `anyOf`, or, in some execution, each of `reachable`; with none of them, the key must have no entry (a lookup gives -ENOENT).',
).meta({ id: 'finalValue' });

/** A member task that runs nothing: a sleeping process in a cgroup. */
export const task = obj(
  {
    name: name("The task's name, unique among tasks and actors."),
    cgroup: name('The declared cgroup it is in when the run starts.'),
  },
  'A task that sleeps in a cgroup for the whole run (a member: rmdir of its cgroup gets -EBUSY); a `migrate` operation moves it.',
).meta({ id: 'task' });
