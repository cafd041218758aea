/**
 * A fluent, immutable TypeScript builder for scenarios. build() runs the same
 * validator as a file, so the builder cannot make what a file could not, and
 * both give deep-equal ScenarioDefs for the same scenario.
 */
import type { Loaded } from '../engine/engine.js';
import type {
  AfterDef,
  BudgetDef,
  CgroupDef,
  CpuActorDef,
  FinalValueDef,
  KernelVersion,
  MapDef,
  Num,
  ParamDef,
  ProgramDef,
  RunStepDef,
  ScenarioDef,
  ScenarioOptions,
  UserOpDef,
} from './types.js';
import { type ValidateOptions, validateScenario } from './validate.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A map as the builder takes it: every MapDef field but the name. */
export type MapOptions = DistributiveOmit<MapDef, 'name'>;
/** A cpu actor's fields besides its name and count. */
export interface CpuOptions {
  readonly cpu?: Num;
  readonly cgroup: string;
  /** `member`: the task populates its cgroup until it exits. @defaultValue 'exiting' */
  readonly task?: CpuActorDef['task'];
  /** Start once this user actor's named operation has returned. */
  readonly after?: AfterDef;
  readonly run: readonly RunStepDef[];
}

/** A user actor's fields besides its name and operations. */
export interface UserOptions {
  readonly cpu?: Num;
  /** Start once this user actor's named operation has returned. */
  readonly after?: AfterDef;
}

type Draft = Readonly<Record<string, unknown>> & {
  readonly params?: readonly (readonly [string, ParamDef])[];
};

/** Starts a scenario named `name`. */
export function scenario(name: string): ScenarioBuilder {
  return new ScenarioBuilder({ name });
}

/** Each method returns a new builder; the receiver is unchanged. */
export class ScenarioBuilder {
  constructor(private readonly draft: Draft) {}

  describe(description: string): ScenarioBuilder {
    return this.with({ description });
  }

  kernel(kernel: KernelVersion): ScenarioBuilder {
    return this.with({ kernel });
  }

  /** `pass` or the invariant id the scenario must violate. */
  expect(expect: string): ScenarioBuilder {
    return this.with({ expect });
  }

  /** Declares a parameter; a name declared twice fails in build(). */
  param(name: string, def: ParamDef): ScenarioBuilder {
    return this.with({ params: [...(this.draft.params ?? []), [name, def] as const] });
  }

  options(options: ScenarioOptions): ScenarioBuilder {
    return this.with({ options });
  }

  cgroup(name: string, options: Omit<CgroupDef, 'name'> = {}): ScenarioBuilder {
    return this.add('cgroups', { name, ...options });
  }

  map(name: string, options: MapOptions): ScenarioBuilder {
    return this.add('maps', { name, ...options });
  }

  program(name: string, options: Omit<ProgramDef, 'name'>): ScenarioBuilder {
    return this.add('programs', { name, ...options });
  }

  /** A task sleeping in `cgroup` for the whole run: a member that keeps it populated until migrated. */
  task(name: string, cgroup: string): ScenarioBuilder {
    return this.add('tasks', { name, cgroup });
  }

  /** Attaches a cgroup program to a cgroup before the actors start. */
  attach(program: string, cgroup: string): ScenarioBuilder {
    return this.add('attach', { program, cgroup });
  }

  /** Userspace operations run to completion, in order, before any scheduled step (e.g. pre-allocating storage). */
  setup(ops: readonly UserOpDef[]): ScenarioBuilder {
    return this.with({ setup: [...((this.draft.setup as UserOpDef[] | undefined) ?? []), ...ops] });
  }

  /** Values keys must hold at the end of every execution (checked by `final-value`). */
  expectFinal(...entries: readonly FinalValueDef[]): ScenarioBuilder {
    return this.with({
      expectFinal: [...((this.draft.expectFinal as FinalValueDef[] | undefined) ?? []), ...entries],
    });
  }

  /** `count` cpu actors named `<name>0`, `<name>1`, ... (name defaults to `cpu`). */
  cpus(count: Num, options: CpuOptions & { readonly name?: string }): ScenarioBuilder {
    const { name = 'cpu', ...rest } = options;
    return this.add('actors', { kind: 'cpu', name, count, ...rest });
  }

  /** One cpu actor. */
  cpu(name: string, options: CpuOptions): ScenarioBuilder {
    return this.add('actors', { kind: 'cpu', name, ...options });
  }

  user(name: string, ops: readonly UserOpDef[], options: UserOptions = {}): ScenarioBuilder {
    return this.add('actors', { kind: 'user', name, ...options, ops });
  }

  trace(program: string, options: { readonly times?: Num } = {}): ScenarioBuilder {
    return this.add('actors', { kind: 'trace', program, ...options });
  }

  /** The budget the expected verdict needs, when the catalogue default is not enough. */
  budget(budget: BudgetDef): ScenarioBuilder {
    return this.with({ budget });
  }

  check(...ids: readonly string[]): ScenarioBuilder {
    return this.with({ check: [...((this.draft.check as string[] | undefined) ?? []), ...ids] });
  }

  reachability(...ids: readonly string[]): ScenarioBuilder {
    return this.with({
      reachability: [...((this.draft.reachability as string[] | undefined) ?? []), ...ids],
    });
  }

  /** Validates the scenario as a file would be; errors name `scenario('<name>')` instead of a file. */
  build(options: ValidateOptions = {}): Loaded<ScenarioDef> {
    const where = `scenario(${JSON.stringify(this.draft.name)})`;
    const { params, ...rest } = this.draft;
    if (params === undefined) return validateScenario(rest, where, options);
    const record: Record<string, ParamDef> = {};
    for (const [name, def] of params) {
      if (Object.hasOwn(record, name))
        return { ok: false, error: { message: `${where}: params.${name}: declared twice` } };
      Object.defineProperty(record, name, {
        value: def,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return validateScenario({ ...rest, params: record }, where, options);
  }

  private with(fields: Record<string, unknown>): ScenarioBuilder {
    return new ScenarioBuilder({ ...this.draft, ...fields });
  }

  private add(list: string, item: object): ScenarioBuilder {
    return this.with({ [list]: [...((this.draft[list] as unknown[] | undefined) ?? []), item] });
  }
}
