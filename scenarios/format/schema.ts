/**
 * The scenario format, defined once: zod schemas (this file, schemaOps.ts,
 * schemaActors.ts) from which the TypeScript types (types.ts), the structural
 * validation (validate.ts) and the shipped JSON Schema (jsonSchema.ts,
 * `npm run schema`) all come. Cross-references and ranges that depend on
 * other fields are checked on top (checks.ts, references.ts).
 */
import { z } from 'zod';
import { show } from './paths.js';
import { actor, finalValue, task } from './schemaActors.js';
import { expectCall, userOp } from './schemaOps.js';
import {
  INSN_MNEMONICS,
  KERNEL_VERSIONS,
  MAP_TYPES,
  MAX_KWORKERS,
  MAX_VALUE_SIZE,
  PROGRAM_TYPES,
  STORAGE_KEYS,
  STRATEGY_NAMES,
} from './vocabulary.js';
import {
  bool,
  goalIds,
  int,
  list,
  name,
  num,
  obj,
  oneOf,
  paramName,
  set,
  tagged,
  text,
} from './zodFields.js';

/** The id lists a scenario is checked against. */
export interface KnownIds {
  readonly invariants: readonly string[];
  readonly bugs: readonly string[];
  /** Reachability goal ids; undefined accepts any kebab-case id. */
  readonly reachability: readonly string[] | undefined;
}

type Words = readonly [string, ...string[]];
const words = (xs: readonly string[]): Words => (xs.length > 0 ? (xs as Words) : ['']);

/** The message for a kernel version that is not one of KERNEL_VERSIONS, with the era's version to write. */
function kernelMessage(v: unknown): string {
  const list = KERNEL_VERSIONS.join(', ');
  const m = typeof v === 'string' ? /^(\d+)\.(\d+)$/.exec(v) : null;
  if (m === null || (Number(m[1]) === 6 && Number(m[2]) > 19))
    return `unknown kernel version ${show(v)} (expected one of ${list})`;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < 6 || (major === 6 && minor < 2))
    return `${show(v)} predates BPF_MAP_TYPE_CGRP_STORAGE (expected one of ${list})`;
  const hint = major >= 7 ? '7.0' : minor >= 15 ? '6.15' : '6.2';
  return `unsupported version ${show(v)}: write '${hint}', its era's version (expected one of ${list})`;
}

const kernel = z
  .enum(KERNEL_VERSIONS, { error: (iss) => kernelMessage(iss.input) })
  .describe(
    "Kernel version, one per era: 6.2 = E1 (6.2-6.14, busy counter), 6.15 = E2 (6.15-6.19, busy get still looks up), 7.0 = E3 (7.0+, rqspinlocks). Other versions are rejected with the era's version to write instead; `--kernel` overrides it.",
  );

const param = obj(
  {
    default: int(
      Number.MIN_SAFE_INTEGER,
      Number.MAX_SAFE_INTEGER,
      'The value used when `--set` does not override it.',
    ),
    min: int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'The smallest value `--set` accepts.'),
    max: int(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'The largest value `--set` accepts.'),
    description: text('One line, as `cgrpcheck list` shows it.'),
  },
  'An integer parameter; min <= default <= max.',
).meta({ id: 'param' });

const params = z
  .record(paramName, param, {
    error: (iss) =>
      iss.code === 'invalid_key'
        ? `invalid parameter name ${show(iss.input)} (letters, digits and '_', not starting with a digit)`
        : `expected an object, got ${show(iss.input)}`,
  })
  .describe(
    'User-facing integer parameters by name (letters, digits, \'_\'), in display order; numeric fields refer to them as "$name" and `--set name=value` overrides them. Every declared parameter must be used.',
  );

const options = (bugs: Words) =>
  obj(
    {
      lockTimeouts: bool(
        'E3 only (ignored before 7.0): a contended rqspinlock may fail with -ETIMEDOUT, explored as a choice. Default false.',
      ).optional(),
      allocFailures: bool(
        'GFP_ATOMIC / GFP_NOWAIT allocations may fail with -ENOMEM, explored as a choice. Default false.',
      ).optional(),
      bugs: set(
        bugs,
        'bug',
        'Pre-fix kernel behaviours to model instead of the fixed code, by name (KERNEL-SEMANTICS section 6); distinct. Default none.',
      ).optional(),
      kworkers: int(
        1,
        MAX_KWORKERS,
        'Kworker threads that run queued work (map free, cgroup release and free), each on a CPU of its own, so two work items can run at once. Default 1.',
      ).optional(),
    },
    'Model options; all default to off.',
  ).meta({ id: 'options' });

const cgroup = obj(
  {
    name: name('Unique cgroup name.'),
    parent: name("The parent cgroup's name; without it the cgroup is the top of a hierarchy.").optional(),
    v1: bool(
      'True for a cgroup v1 hierarchy (a v1 fd gets -EBADF on the v2-only fd path). Default: inherited from the nearest ancestor that says, else false; must agree with it.',
    ).optional(),
  },
  'A cgroup directory.',
).meta({ id: 'cgroup' });

const mapName = name('Unique map name; instructions name it as map=<name>.');
const mapFields = {
  valueSize: num(1, MAX_VALUE_SIZE, 'Value size in bytes (bpf_attr.value_size).'),
  spinLock: bool(
    'The value starts with a struct bpf_spin_lock (enables BPF_F_LOCK and spin_lock). Not allowed for percpu_cgroup_storage. Default false.',
  ).optional(),
};
const MAP_TYPE_NOTE =
  'cgrp_storage = BPF_MAP_TYPE_CGRP_STORAGE; cgroup_storage and percpu_cgroup_storage = the deprecated BPF_MAP_TYPE_(PERCPU_)CGROUP_STORAGE.';

const cgrpStorageMap = obj(
  { name: mapName, type: z.literal('cgrp_storage').describe(MAP_TYPE_NOTE), ...mapFields },
  'A BPF_MAP_TYPE_CGRP_STORAGE map, keyed by cgroup fd.',
  (key) => (key === 'key' ? "a cgrp_storage map is keyed by cgroup fd alone; remove 'key'" : undefined),
).meta({ id: 'cgrpStorageMap' });

const deprecatedMap = obj(
  {
    name: mapName,
    type: z.enum(['cgroup_storage', 'percpu_cgroup_storage']).describe(MAP_TYPE_NOTE),
    ...mapFields,
    key: oneOf(
      STORAGE_KEYS,
      'key layout',
      '"isolated" (default) keys by struct bpf_cgroup_storage_key {cgroup id, attach type}; "shared" by a bare u64 cgroup id.',
    ).optional(),
  },
  'A deprecated BPF_MAP_TYPE_(PERCPU_)CGROUP_STORAGE map.',
).meta({ id: 'deprecatedMap' });

const map = tagged(
  'type',
  'map type',
  MAP_TYPES,
  [cgrpStorageMap, deprecatedMap],
  'A cgroup storage map.',
).meta({
  id: 'map',
});

const INSN = new RegExp(
  `^\\s*(?:[A-Za-z_][A-Za-z0-9_]*:\\s*)?(?:(?:${INSN_MNEMONICS.join('|')})(?:\\s.*)?)?$`,
);

/** A light check: an optional `label:` prefix, then a known mnemonic (or nothing, for a label line). */
const insn = z
  .string({
    error: (iss) => {
      const s = iss.input;
      if (typeof s !== 'string' || s.trim() === '') return `expected a non-empty string, got ${show(s)}`;
      const mnemonic =
        s
          .trim()
          .replace(/^([A-Za-z_][A-Za-z0-9_]*):\s*/, '')
          .split(/\s+/)[0] ?? '';
      return `unknown instruction '${mnemonic}' in ${show(s)} (expected one of ${INSN_MNEMONICS.join(', ')})`;
    },
  })
  .regex(/\S/)
  .regex(INSN)
  .describe(
    'One instruction: an optional `label:` prefix, then a mnemonic and its operands; a bare `label:` is a label line.',
  );

const program = obj(
  {
    name: name('Unique program name.'),
    type: oneOf(
      PROGRAM_TYPES,
      'program type',
      'Program type: tracing types by libbpf section prefix (tp_btf, fentry, fexit, kprobe, iter, lsm, lsm_cgroup), cgroup types by enum bpf_prog_type.',
    ),
    attach: name(
      "Where it attaches: the tracepoint (tp_btf), kernel function (fentry, fexit, kprobe), iterator target (iter) or LSM hook (lsm, lsm_cgroup); for cgroup types the expected attach type, one of that type's attach points.",
    ),
    sleepable: bool(
      'BPF_F_SLEEPABLE (a .s section): runs under rcu_read_lock_trace(). Not allowed for cgroup program types. Default false.',
    ).optional(),
    insns: list(insn, 'Instructions, one string each. Maps are named as map=<name> and must be declared.', 1),
    data: int(
      1,
      MAX_VALUE_SIZE / 8,
      'Global data (.bss): this many zeroed u64 slots, shared by every run of the program, read and written as [data+slot]. Default none.',
    ).optional(),
    expectCalls: list(
      expectCall,
      'What its storage helper calls return: each entry names a call by its index in `insns` (checked as helper-result).',
      1,
    ).optional(),
    tailCalls: list(
      name('A declared program of the same type.'),
      "The program's prog array (BPF_MAP_TYPE_PROG_ARRAY) by index: `tail_call n` jumps to the n-th named program. Default empty.",
    ).optional(),
  },
  'A BPF program in the assembly syntax of model/programs/bpfProgramParse.ts.',
).meta({ id: 'program' });

const objectProgram = obj(
  {
    name: name('Unique program name.'),
    object: text('Path of the BPF object file, relative to the scenario file.'),
    program: text(
      "The object's program: its function name or its section name (which must then hold one program). Default: `name`.",
    ).optional(),
    tailCalls: list(
      name('A declared program of the same type.'),
      "The program's prog array (BPF_MAP_TYPE_PROG_ARRAY) by index: bpf_tail_call(ctx, map, n) jumps to the n-th named program. Default empty.",
    ).optional(),
  },
  "A program of a compiled BPF object (clang -O2 -g -target bpf -c): its type, attach point and sleepable flag come from its ELF section, as libbpf decides them; its maps bind to the scenario's maps by name, and a map only the object defines is created from its BTF definition.",
).meta({ id: 'objectProgram' });

const attachment = obj(
  { program: name('A declared cgroup or lsm_cgroup program.'), cgroup: name('A declared cgroup.') },
  "A cgroup program attached to a cgroup; the attach type is the program's `attach`. A (program, cgroup) pair appears once.",
).meta({ id: 'attachment' });

const budget = obj(
  {
    strategy: oneOf(STRATEGY_NAMES, 'strategy', 'The strategy. Default random.').optional(),
    runs: int(
      1,
      1_000_000,
      'Executions (random, pct) or a cap (exhaustive strategies). Default 300.',
    ).optional(),
  },
  'A check budget: a strategy and a number of executions.',
).meta({ id: 'budget' });

/** The whole scenario, checking `expect`, `check`, `options.bugs` and `reachability` against `known`. */
export function createScenarioSchema(known: KnownIds) {
  const invariants = words(known.invariants);
  return obj(
    {
      $schema: z
        .string()
        .describe('Optional path or URL of this schema, for editors; ignored by cgrpcheck.')
        .optional(),
      name: name("The scenario's name, as `cgrpcheck check <name>` and reports show it."),
      description: text('One line: what the scenario exercises.'),
      kernel,
      expect: oneOf(
        words(['pass', ...known.invariants]),
        'expectation',
        '"pass", or the id of the invariant the scenario must violate (a known-bug scenario). Absent for ad-hoc files.',
      ).optional(),
      params: params.optional(),
      options: options(words(known.bugs)).optional(),
      cgroups: list(
        cgroup,
        'Cgroups existing when the run starts, with unique names; each parent must be declared and the tree acyclic.',
      ).optional(),
      tasks: list(
        task,
        'Tasks sleeping in cgroups for the whole run: members that keep their cgroup populated until migrated.',
      ).optional(),
      maps: list(map, 'Maps created before the run, with unique names.').optional(),
      programs: list(
        z
          .union([program, objectProgram])
          .describe('A program: instructions, or one of a compiled BPF object.'),
        'Programs loaded before the run, with unique names.',
      ).optional(),
      attach: list(
        attachment,
        'Cgroup programs attached to cgroups before the run (BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI); deprecated map storages are allocated here.',
      ).optional(),
      setup: list(
        userOp,
        "Userspace operations (the same shapes as a user actor's ops, expectations included) run to completion, in order, after `attach` and before any scheduled step.",
      ).optional(),
      actors: list(
        actor,
        'What runs concurrently: tasks on CPUs running programs, userspace threads, tracing programs that fire nested. cpu and user actor names are unique, also after `count` expansion.',
        1,
      ),
      expectFinal: list(
        finalValue,
        'Values map keys must hold when every execution ends, checked by the `final-value` property; e.g. the counts a kernel selftest asserts.',
      ).optional(),
      budget: budget.optional(),
      check: set(
        invariants,
        'invariant',
        'Invariants to check in addition to the always-on ones; distinct.',
      ).optional(),
      reachability: (known.reachability === undefined
        ? goalIds(
            '"Sometimes" goals: situations at least one execution must reach, else a pass is vacuous; distinct kebab-case ids.',
          )
        : set(
            words(known.reachability),
            'reachability goal',
            '"Sometimes" goals: situations at least one execution must reach, else a pass is vacuous; distinct.',
          )
      ).optional(),
    },
    'A concurrent situation: cgroups, maps and programs set up before the run, then actors running concurrently under the scheduler.',
  ).meta({ id: 'scenario' });
}

/** The schema with the default id lists; its output type is ScenarioDef. */
export type ScenarioSchema = ReturnType<typeof createScenarioSchema>;
