/**
 * The scenario schema, part two: userspace operations and what they, and a
 * program's helper calls, must return. Names and ranges only; which names are
 * declared is checked on top (references.ts).
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

export const MAX_WORD = Number.MAX_SAFE_INTEGER;
export const KEY_NOTE = 'A declared cgroup: the key.';
export const ATTACH_NOTE =
  'For a deprecated map with key "isolated": the attach type half of struct bpf_cgroup_storage_key. Required there, forbidden for other maps.';

export const attachType = () => oneOf(ATTACH_TYPES, 'attach type', ATTACH_NOTE).optional();
export const words = (description: string) => list(num(0, MAX_WORD, 'One u64 word.'), description, 1);

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

export const mapKey = {
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
