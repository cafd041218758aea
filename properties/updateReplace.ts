/**
 * `update-replace` (invariant 16): a successful BPF_MAP_UPDATE_ELEM on a
 * BPF_MAP_TYPE_CGRP_STORAGE element that was linked when the command began
 * (bpf_local_storage_update, kernel/bpf/bpf_local_storage.c):
 * - without BPF_F_LOCK publishes a new element whose 'selem-create' names the old
 *   one in `replaces`, and leaves the old element's value as it was;
 * - with BPF_F_LOCK copies the value into that same element in place
 *   (copy_map_value_locked) and publishes none.
 * A racing delete or replace of the old element by another actor excuses the
 * element checks; slots a program wrote, or a racing BPF_F_LOCK update could
 * have written, are left out of the value check.
 */

import type { Observation } from '../model/core/observation.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { BPF_F_LOCK } from '../model/localStorage/localStorage.js';
import { actorName, cgroupName, mapName } from './names.js';
import { LogCursor } from './observationCursor.js';
import { type Property, type Violation, violation } from './property.js';

export const UPDATE_REPLACE = 'update-replace';

type SyscallObservation = Extract<Observation, { kind: 'syscall' }>;

/** A successful update that found an element, with the fields the model records for it. */
function updateAt(k: Kernel, i: number): SyscallObservation | undefined {
  const o = k.observations[i]!;
  if (o.kind !== 'syscall' || o.cmd !== 'BPF_MAP_UPDATE_ELEM' || o.ret !== 0) return undefined;
  if (o.begin === undefined || o.old === undefined || o.old === null || o.elem === undefined)
    return undefined;
  return o;
}

function callName(k: Kernel, o: SyscallObservation): string {
  const lock = (o.flags & BPF_F_LOCK) !== 0 ? ' (BPF_F_LOCK)' : '';
  return `BPF_MAP_UPDATE_ELEM(${mapName(k, o.map)}, ${cgroupName(k, o.cgroup)}, flags ${o.flags}${lock}) on ${actorName(k, o.actor)}`;
}

/** The element checks of the update at index `i`, once it returned. */
function checkElements(k: Kernel, o: SyscallObservation, i: number): Violation | undefined {
  const old = o.old!;
  let isRaced = false;
  const created: Extract<Observation, { kind: 'selem-create' }>[] = [];
  for (let j = o.begin!; j < i; j++) {
    const d = k.observations[j]!;
    if (d.kind === 'selem-unlink' && d.obj === old && d.actor !== o.actor) isRaced = true;
    if (d.kind === 'selem-create' && d.actor === o.actor && d.map === o.map && d.cgroup === o.cgroup)
      created.push(d);
  }
  if ((o.flags & BPF_F_LOCK) !== 0) {
    if (isRaced) return undefined;
    const c = created[0];
    if (c !== undefined)
      return violation(
        UPDATE_REPLACE,
        `${callName(k, o)} published a new element ${c.obj} for element ${old}: with BPF_F_LOCK an existing element is updated in place`,
      );
    if (o.elem !== old)
      return violation(
        UPDATE_REPLACE,
        `${callName(k, o)} left its value in element ${o.elem}, not in element ${old} in place: with BPF_F_LOCK an existing element is updated in place`,
      );
    return undefined;
  }
  if (o.elem === old)
    return violation(
      UPDATE_REPLACE,
      `${callName(k, o)} wrote element ${old} in place: without BPF_F_LOCK an update publishes a new element and leaves the old one unchanged`,
    );
  const c = created.find((d) => d.obj === o.elem);
  if (c === undefined)
    return violation(
      UPDATE_REPLACE,
      `${callName(k, o)} returned 0 but published no new element for element ${old}: without BPF_F_LOCK an update publishes a new element`,
    );
  if (!isRaced && c.replaces !== old)
    return violation(
      UPDATE_REPLACE,
      `${callName(k, o)} published element ${c.obj} replacing ${c.replaces === null ? 'nothing' : `element ${c.replaces}`} instead of element ${old}`,
    );
  return undefined;
}

/** The old element's value check of the update at index `i` (without BPF_F_LOCK); needs the whole log. */
function checkOldValue(k: Kernel, o: SyscallObservation, i: number): Violation | undefined {
  const old = o.old!;
  const before = o.oldValue?.before;
  const after = o.oldValue?.after;
  if (before === undefined || after === undefined) return undefined;
  const touched = new Set<number>();
  for (let j = o.begin!; j < i; j++) {
    const d = k.observations[j]!;
    if (d.kind === 'value-update' && d.obj === old) touched.add(d.slot);
  }
  // A racing BPF_F_LOCK update by another actor may write the old element in place.
  const obs = k.observations;
  for (let j = o.begin! + 1; j < obs.length; j++) {
    const d = obs[j]!;
    if (d.kind !== 'syscall' || d.cmd !== 'BPF_MAP_UPDATE_ELEM' || d.actor === o.actor) continue;
    if (
      (d.flags & BPF_F_LOCK) !== 0 &&
      d.map === o.map &&
      d.cgroup === o.cgroup &&
      d.begin !== undefined &&
      d.begin < i
    )
      return undefined;
  }
  for (let s = 0; s < before.length; s++) {
    if (touched.has(s) || before[s] === after[s]) continue;
    return violation(
      UPDATE_REPLACE,
      `${callName(k, o)} changed slot ${s} of the old element ${old} from ${before[s]} to ${after[s]}: without BPF_F_LOCK an update leaves the old element's value unchanged`,
    );
  }
  return undefined;
}

/** Creates the property: element checks per step on each returned update, value checks at the end. */
export function createUpdateReplace(): Property {
  const cursor = new LogCursor();
  let kernel: Kernel | undefined;
  const replaced: number[] = [];
  const check = (k: Kernel): Violation | undefined => {
    if (k !== kernel) {
      kernel = k;
      replaced.length = 0;
    }
    const obs = k.observations;
    for (let i = cursor.advance(k, obs.length); i < obs.length; i++) {
      const o = updateAt(k, i);
      if (o === undefined) continue;
      const v = checkElements(k, o, i);
      if (v !== undefined) return v;
      if ((o.flags & BPF_F_LOCK) === 0) replaced.push(i);
    }
    return undefined;
  };
  return {
    id: UPDATE_REPLACE,
    description:
      'an update without BPF_F_LOCK publishes a new element and leaves the old one unchanged; with BPF_F_LOCK it is in place (invariant 16)',
    // Stryker disable next-line BooleanLiteral: only lets the engine skip a checkStep that would find no new fact through its LogCursor; false costs time, never a verdict
    isFactDriven: true,
    factLog: 'observations',
    checkStep: check,
    checkEnd(k) {
      const v = check(k);
      if (v !== undefined) return v;
      for (const i of replaced) {
        const w = checkOldValue(k, updateAt(k, i)!, i);
        if (w !== undefined) return w;
      }
      return undefined;
    },
  };
}
