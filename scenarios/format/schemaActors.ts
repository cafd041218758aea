/**
 * The scenario schema, part three: actors, ordering between them, member
 * tasks and final values. Names and ranges only; which names are declared is
 * checked on top (references.ts, referencesTasks.ts).
 */
import { z } from 'zod';
import { MAX_WORD, mapKey, userOp, words } from './schemaOps.js';
import { ACTOR_KINDS, MAX_CPUS, MAX_TIMES, TASK_STATES } from './vocabulary.js';
import { distinct, list, name, num, obj, oneOf, tagged, text } from './zodFields.js';

const after = obj(
  {
    actor: name('A user actor, or a cpu actor declared without `count`.'),
    op: name("The `name` of one of that user actor's operations, or of one of that cpu actor's run steps."),
  },
  'Start only once this operation (or run step, with all its `times`) of another actor has returned.',
).meta({ id: 'after' });

const runStepName = name(
  'Names this step, so that another actor can start once all its runs have returned (`after`).',
).optional();

const runProgram = obj(
  {
    program: name('A declared program that is not a cgroup program (those run through `hook`).'),
    times: num(1, MAX_TIMES, 'How many times in a row. Default 1.').optional(),
    name: runStepName,
  },
  'Run one non-cgroup program as if its hook fired on this CPU.',
).meta({ id: 'runProgram' });

const runHook = obj(
  {
    hook: text(
      'A cgroup attach point (ingress, egress, sock_create, connect4, connect6, sock_ops, device, sysctl, getsockopt, setsockopt) or lsm_cgroup/<attach> of a declared lsm_cgroup program.',
    ),
    times: num(1, MAX_TIMES, 'How many times in a row. Default 1.').optional(),
    name: runStepName,
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
