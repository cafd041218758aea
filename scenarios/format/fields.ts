/**
 * The fields of every object in a scenario file, as the validator enforces
 * them. scenario.schema.json has one `$defs` entry per key here, and a test
 * checks both list the same fields.
 */

/** Required and optional fields of one object kind, in the order errors are reported. */
export interface FieldSpec {
  readonly required: readonly string[];
  readonly optional: readonly string[];
}

const spec = (required: readonly string[], optional: readonly string[] = []): FieldSpec => ({
  required,
  optional,
});

/** Every object kind of the format; keys are the schema's `$defs` names. */
export const FIELDS = {
  scenario: spec(
    ['name', 'description', 'kernel', 'actors'],
    [
      '$schema',
      'expect',
      'params',
      'options',
      'cgroups',
      'maps',
      'programs',
      'attach',
      'setup',
      'expectFinal',
      'budget',
      'check',
      'reachability',
    ],
  ),
  param: spec(['default', 'min', 'max', 'description']),
  options: spec([], ['lockTimeouts', 'allocFailures', 'bugs', 'kworkers']),
  cgroup: spec(['name'], ['parent', 'v1']),
  map: spec(['name', 'type', 'valueSize'], ['spinLock', 'key']),
  program: spec(['name', 'type', 'attach', 'insns'], ['sleepable', 'tailCalls']),
  objectProgram: spec(['name', 'object'], ['program', 'tailCalls']),
  attachment: spec(['program', 'cgroup']),
  cpuActor: spec(['kind', 'name', 'cgroup', 'run'], ['count', 'cpu']),
  userActor: spec(['kind', 'name', 'ops'], ['cpu']),
  traceActor: spec(['kind', 'program'], ['times']),
  runProgram: spec(['program'], ['times']),
  runHook: spec(['hook'], ['times']),
  lookupOp: spec(['op', 'map', 'cgroup'], ['attachType', 'flags']),
  updateOp: spec(['op', 'map', 'cgroup', 'value'], ['attachType', 'flags']),
  deleteOp: spec(['op', 'map', 'cgroup'], ['attachType']),
  getNextKeyOp: spec(['op', 'map'], ['cgroup', 'attachType']),
  rmdirOp: spec(['op', 'cgroup']),
  closeMapOp: spec(['op', 'map']),
  attachOp: spec(['op', 'program', 'cgroup']),
  budget: spec([], ['strategy', 'runs']),
  finalValue: spec(['map', 'cgroup'], ['attachType', 'value', 'times']),
} as const satisfies Record<string, FieldSpec>;

/** An object kind of the format. */
export type ObjectKind = keyof typeof FIELDS;

/** The object kind of each user operation. */
export const OP_KINDS = {
  lookup: 'lookupOp',
  update: 'updateOp',
  delete: 'deleteOp',
  'get-next-key': 'getNextKeyOp',
  rmdir: 'rmdirOp',
  'close-map': 'closeMapOp',
  attach: 'attachOp',
  detach: 'attachOp',
} as const satisfies Record<string, ObjectKind>;

/** The object kind of each actor kind. */
export const ACTOR_OBJECT_KINDS = {
  cpu: 'cpuActor',
  user: 'userActor',
  trace: 'traceActor',
} as const satisfies Record<string, ObjectKind>;
