/** Distinct id types, so that swapped arguments fail to compile. */

/** A cgroup, by its kernel id (cgroup_id(), the kernfs inode number). */
export type CgroupId = number & { readonly __brand: 'CgroupId' };
/** A BPF map. */
export type MapId = number & { readonly __brand: 'MapId' };
/** A loaded BPF program. */
export type ProgId = number & { readonly __brand: 'ProgId' };
/** A simulated CPU number (smp_processor_id()). */
export type CpuNo = number & { readonly __brand: 'CpuNo' };
/** An actor: one thread of execution (CPU context, userspace thread, kworker). */
export type ActorId = number & { readonly __brand: 'ActorId' };
/** A file descriptor in the simulated process. */
export type Fd = number & { readonly __brand: 'Fd' };
/**
 * An abstract object id: memory objects and locks alike. Ids never depend on
 * the interleaving: dynamic objects are named by (allocating actor, its own
 * sequence number), see Kernel.allocObjId().
 */
export type ObjId = number & { readonly __brand: 'ObjId' };

export const asCgroupId = (n: number): CgroupId => n as CgroupId;
export const asMapId = (n: number): MapId => n as MapId;
export const asProgId = (n: number): ProgId => n as ProgId;
export const asCpuNo = (n: number): CpuNo => n as CpuNo;
export const asActorId = (n: number): ActorId => n as ActorId;
export const asFd = (n: number): Fd => n as Fd;
export const asObjId = (n: number): ObjId => n as ObjId;
