/** Kernel errno values the model returns, positive as in include/uapi/asm-generic/errno*.h. */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const E2BIG = 7;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EBUSY = 16;
export const EEXIST = 17;
export const EINVAL = 22;
export const EDEADLK = 35;
export const ETIMEDOUT = 110;
/** Kernel-internal, include/linux/errno.h; what BPF_MAP_GET_NEXT_KEY returns on the NEW map. */
export const ENOTSUPP = 524;

export type Errno =
  | typeof EPERM
  | typeof ENOENT
  | typeof ESRCH
  | typeof E2BIG
  | typeof EBADF
  | typeof EAGAIN
  | typeof ENOMEM
  | typeof EACCES
  | typeof EBUSY
  | typeof EEXIST
  | typeof EINVAL
  | typeof EDEADLK
  | typeof ETIMEDOUT
  | typeof ENOTSUPP;

const NAMES: ReadonlyMap<number, string> = new Map([
  [EPERM, 'EPERM'],
  [ENOENT, 'ENOENT'],
  [ESRCH, 'ESRCH'],
  [E2BIG, 'E2BIG'],
  [EBADF, 'EBADF'],
  [EAGAIN, 'EAGAIN'],
  [ENOMEM, 'ENOMEM'],
  [EACCES, 'EACCES'],
  [EBUSY, 'EBUSY'],
  [EEXIST, 'EEXIST'],
  [EINVAL, 'EINVAL'],
  [EDEADLK, 'EDEADLK'],
  [ETIMEDOUT, 'ETIMEDOUT'],
  [ENOTSUPP, 'ENOTSUPP'],
]);

/** The symbolic name of every errno the model returns, in errno order. */
export const ERRNO_NAMES: readonly string[] = [...NAMES.values()];

/** The errno with this symbolic name (`ENOENT`), or undefined. */
export function errnoOfName(name: string): number | undefined {
  for (const [errno, n] of NAMES) if (n === name) return errno;
  return undefined;
}

/** The symbolic name of an errno, e.g. `ENOENT`; unknown values print as `E<n>`. */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `E${errno}`;
}

/** A kernel-visible outcome: a value, or an errno the kernel would return. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errno: Errno };

/** Wraps a success value. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Wraps an errno. */
export function err<T = never>(errno: Errno): Result<T> {
  return { ok: false, errno };
}

/** The common success of an operation with no value. */
export const OK0: Result<0> = { ok: true, value: 0 };
