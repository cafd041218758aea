/**
 * Observations: what the model saw happen, in order, for properties to check.
 * Subsystems append kinds as they need them; properties read them.
 */
import type { ActorId, CgroupId, MapId, ObjId } from './ids.js';

/** One recorded fact about an execution. */
export type Observation =
  /** A BPF helper returned (bpf_cgrp_storage_get/delete, bpf_get_local_storage). */
  | {
      readonly kind: 'helper';
      readonly actor: ActorId;
      readonly helper: string;
      readonly map: MapId;
      readonly cgroup: CgroupId | null;
      readonly flags: number;
      /** An object id for a pointer, null for NULL, a negative errno for an error. */
      readonly ret: ObjId | null | number;
      /** Whether an element for (map, cgroup) was linked when the helper began. */
      readonly existedBefore: boolean;
    }
  /** A bpf(2) command returned. */
  | {
      readonly kind: 'syscall';
      readonly actor: ActorId;
      readonly cmd: string;
      readonly map: MapId;
      readonly cgroup: CgroupId | null;
      readonly flags: number;
      /** 0 or a negative errno. */
      readonly ret: number;
      readonly existedBefore: boolean;
      /** The value read, for lookups. */
      readonly value?: readonly number[];
    }
  /** A program made a store or atomic add through a map value pointer. */
  | {
      readonly kind: 'value-update';
      readonly actor: ActorId;
      readonly obj: ObjId;
      readonly slot: number;
      readonly atomic: boolean;
      /** The increment, for adds; undefined for plain stores. */
      readonly delta?: number;
    };
