/**
 * Cross-references of member tasks, migrations and ordering between actors:
 * a task or migrated actor exists, an actor starts after an operation that
 * exists, and no actors wait for each other in a circle.
 */
import { at, type Found, first, idx } from './paths.js';
import type { ActorDef, AfterDef, ScenarioDef, UserOpDef } from './types.js';

/** Checks `tasks`, every `migrate` operation and every `after`. */
export function checkTasksAndOrder(def: ScenarioDef): Found {
  const cgroups = (def.cgroups ?? []).map((c) => c.name);
  const actorNames = def.actors.flatMap((a) => (a.kind === 'trace' ? [] : [a.name]));
  const taskNames = new Map<string, string>();
  const tasks = first(def.tasks ?? [], (t, i) => {
    const path = idx('tasks', i);
    const earlier = taskNames.get(t.name) ?? (actorNames.includes(t.name) ? 'an actor' : undefined);
    if (earlier !== undefined)
      return { path: at(path, 'name'), message: `duplicate task name '${t.name}' (also ${earlier})` };
    taskNames.set(t.name, path);
    if (!cgroups.includes(t.cgroup))
      return {
        path: at(path, 'cgroup'),
        message: `unknown cgroup '${t.cgroup}' (declared: ${cgroups.join(', ')})`,
      };
    return undefined;
  });
  const movable = [
    ...taskNames.keys(),
    ...def.actors.flatMap((a) =>
      a.kind === 'cpu' && a.task === 'member' && a.count === undefined ? [a.name] : [],
    ),
  ];
  const migrate = (ops: readonly UserOpDef[], path: string): Found =>
    first(ops, (op, i) =>
      op.op !== 'migrate' || movable.includes(op.task)
        ? undefined
        : {
            path: at(idx(path, i), 'task'),
            message: `unknown task '${op.task}' (movable: ${movable.length ? movable.join(', ') : 'none; declare tasks, or cpu actors with "task": "member" and no count'})`,
          },
    );
  return (
    tasks ??
    migrate(def.setup ?? [], 'setup') ??
    first(def.actors, (a, i) =>
      a.kind === 'user' ? migrate(a.ops, at(idx('actors', i), 'ops')) : undefined,
    ) ??
    first(def.actors, (a, i) => checkAfter(def.actors, a, idx('actors', i)))
  );
}

const afterOf = (a: ActorDef): AfterDef | undefined => (a.kind === 'trace' ? undefined : a.after);

function checkAfter(actors: readonly ActorDef[], a: ActorDef, path: string): Found {
  const after = afterOf(a);
  if (after === undefined || a.kind === 'trace') return undefined;
  const targets = actors.flatMap((x) =>
    x.kind === 'user' || (x.kind === 'cpu' && x.count === undefined) ? [x] : [],
  );
  const target = targets.find((u) => u.name === after.actor);
  if (target === undefined)
    return {
      path: at(at(path, 'after'), 'actor'),
      message: `unknown actor '${after.actor}' (user actors and cpu actors without count: ${targets.map((u) => u.name).join(', ') || 'none'})`,
    };
  const steps: readonly { readonly name?: string | undefined }[] =
    target.kind === 'user' ? target.ops : target.run;
  const names = steps.flatMap((op) => (op.name === undefined ? [] : [op.name]));
  if (!names.includes(after.op))
    return {
      path: at(at(path, 'after'), 'op'),
      message: `'${after.actor}' has no operation named '${after.op}' (named: ${names.join(', ') || 'none'})`,
    };
  const chain = [a.name];
  for (let next: AfterDef | undefined = after; next !== undefined; ) {
    if (chain.includes(next.actor))
      return {
        path: at(path, 'after'),
        message: `actors wait for each other in a circle: ${[...chain, next.actor].join(' -> ')}`,
      };
    chain.push(next.actor);
    const nextActor = actors.find((x) => x.kind !== 'trace' && x.name === next?.actor);
    next = nextActor === undefined ? undefined : afterOf(nextActor);
  }
  return undefined;
}
