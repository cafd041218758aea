/**
 * fast-check generators of valid ScenarioDefs: unique names, references to
 * declared things only, every parameter used, ranges inside their fields'.
 */
import fc from 'fast-check';
import { KNOWN_INVARIANT_IDS as KNOWN_INVARIANTS } from '../../../scenarios/compile/invariants.js';
import type {
  ActorDef,
  MapDef,
  Num,
  ParamDef,
  ProgramDef,
  ScenarioDef,
  UserOpDef,
} from '../../../scenarios/format/types.js';
import { KERNEL_VERSIONS } from '../../../scenarios/format/vocabulary.js';

const nameArb = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,7}$/);
const names = (min: number, max: number) => fc.uniqueArray(nameArb, { minLength: min, maxLength: max });
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '');

/** A valid scenario covering every object kind. */
export const scenarioDefArb: fc.Arbitrary<ScenarioDef> = fc.gen().map((g) => {
  const paramNames = g(() => fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/), { maxLength: 3 }));
  const params: Record<string, ParamDef> = {};
  for (const p of paramNames) {
    const min = g(fc.integer, { min: 1, max: 4 });
    const max = g(fc.integer, { min, max: 8 });
    params[p] = { default: g(fc.integer, { min, max }), min, max, description: g(() => text) };
  }
  const refs = paramNames.map((p): Num => `$${p}`);
  const num = (lo: number, hi: number): Num =>
    g(() => fc.oneof(fc.integer({ min: lo, max: hi }), ...refs.map(fc.constant)));

  const cgroupNames = g(() => names(1, 4));
  const cgroups = cgroupNames.map((name, i) => {
    const parent =
      i > 0 ? g(() => fc.option(fc.constantFrom(...cgroupNames.slice(0, i)), { nil: undefined })) : undefined;
    const v1 = parent === undefined ? g(() => fc.option(fc.boolean(), { nil: undefined })) : undefined;
    return { name, ...(parent !== undefined && { parent }), ...(v1 !== undefined && { v1 }) };
  });
  const cgroup = () => g(() => fc.constantFrom(...cgroupNames));

  const maps: MapDef[] = g(() => names(1, 3)).map((name): MapDef => {
    const type = g(() => fc.constantFrom('cgrp_storage', 'cgroup_storage', 'percpu_cgroup_storage' as const));
    const valueSize = num(8, 64);
    if (type === 'cgrp_storage') return { name, type, valueSize, spinLock: g(fc.boolean) };
    return { name, type, valueSize, key: g(() => fc.constantFrom('isolated', 'shared' as const)) };
  });
  const map = () => g(() => fc.constantFrom(...maps));

  const programs: ProgramDef[] = [
    {
      name: 'tp',
      type: 'tp_btf',
      attach: 'sys_enter',
      insns: [`call get map=${map().name} cg=current`, 'out: exit 0'],
    },
    { name: 'skb', type: 'cgroup_skb', attach: 'egress', sleepable: false, insns: ['exit 1'] },
    {
      name: 'nested',
      type: 'fentry',
      attach: 'bpf_local_storage_update',
      sleepable: true,
      insns: ['out:', 'ja out'],
    },
  ];
  const op = (): UserOpDef => {
    const m = map();
    const attachType =
      m.type !== 'cgrp_storage' && m.key === 'isolated' ? { attachType: 'egress' as const } : {};
    return g(() =>
      fc.constantFrom<UserOpDef>(
        { op: 'lookup', map: m.name, cgroup: cgroup(), ...attachType, flags: ['BPF_F_LOCK'] },
        {
          op: 'update',
          map: m.name,
          cgroup: cgroup(),
          ...attachType,
          value: [num(0, 99)],
          flags: ['BPF_EXIST'],
        },
        { op: 'delete', map: m.name, cgroup: cgroup(), ...attachType },
        { op: 'get-next-key', map: m.name },
        { op: 'rmdir', cgroup: cgroup() },
        { op: 'close-map', map: m.name },
        { op: 'detach', program: 'skb', cgroup: cgroup() },
      ),
    );
  };
  const actors: ActorDef[] = [
    {
      kind: 'cpu',
      name: 'cpu',
      count: num(1, 4),
      cgroup: cgroup(),
      run: [
        { program: 'tp' },
        { hook: 'egress', times: 2 },
        ...refs.map((times) => ({ program: 'tp', times })),
      ],
    },
    {
      kind: 'user',
      name: 'user',
      cpu: num(0, 8),
      ops: g(() => fc.array(fc.constant(0), { minLength: 1, maxLength: 4 })).map(op),
    },
    { kind: 'trace', program: 'nested', times: 3 },
  ];
  const def: ScenarioDef = {
    name: g(() => nameArb),
    description: g(() => text),
    kernel: g(() => fc.constantFrom(...KERNEL_VERSIONS)),
    expect: g(() => fc.constantFrom('pass', ...KNOWN_INVARIANTS)),
    params,
    options: { lockTimeouts: g(fc.boolean), bugs: ['create-on-dying'] },
    cgroups,
    maps,
    programs,
    attach: [{ program: 'skb', cgroup: cgroup() }],
    actors,
    check: g(() => fc.uniqueArray(fc.constantFrom(...KNOWN_INVARIANTS), { maxLength: 3 })),
    reachability: ['cgroup-freed-while-running'],
  };
  return def;
});
