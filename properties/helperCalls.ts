/**
 * What happened while a bpf_cgrp_storage_get() call ran, read from the
 * observations recorded between its first step (`begin`) and its return: the
 * shared evidence of the `no-spurious-*` properties, which excuse a NULL only
 * for a reason the kernel has.
 */
import { BPF_LOCAL_STORAGE_GET_F_CREATE } from '../model/cgrpStorage/cgrpStorage.js';
import type { Observation } from '../model/core/observation.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { GET } from './evidence.js';

/** A 'helper' observation of bpf_cgrp_storage_get. */
export type GetObservation = Extract<Observation, { kind: 'helper' }>;

/**
 * The observation at index `i` if it is a get the kernel checked fully: valid flags,
 * a non-NULL cgroup, a known start (`begin`), and a NULL result; else undefined.
 */
export function nullGetAt(k: Kernel, i: number): GetObservation | undefined {
  const o = k.observations[i]!;
  // Stryker disable next-line ConditionalExpression: other kinds have no `helper`, so the next line skips them anyway
  if (o.kind !== 'helper') return undefined;
  if (o.helper !== GET || o.ret !== null || o.cgroup === null) return undefined;
  if ((o.flags & ~BPF_LOCAL_STORAGE_GET_F_CREATE) !== 0 || o.begin === undefined) return undefined;
  return o;
}

/** The observations recorded while the get at index `i` ran (after its first step, before its return). */
export function* duringCall(k: Kernel, o: GetObservation, i: number): Generator<Observation> {
  for (let j = o.begin!; j < i; j++) yield k.observations[j]!;
}
