/**
 * Why a BPF object does not load: the section and instruction it concerns, as
 * libbpf and the verifier report them. A value, never thrown: the edge (scenarios/,
 * cli/) prints it as one line after the file name.
 */

/** A load error; `section` and `insn` (an instruction index within the section) when known. */
export interface LoadError {
  readonly message: string;
  readonly section?: string;
  readonly insn?: number;
}

/** A loaded value or the reason it does not load. */
export type LoadResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: LoadError };

/** Builds a failed LoadResult. */
export function loadFail(message: string, section?: string, insn?: number): { ok: false; error: LoadError } {
  return {
    ok: false,
    error: {
      message,
      ...(section === undefined ? {} : { section }),
      ...(insn === undefined ? {} : { insn }),
    },
  };
}

/** `section 'S': insn N: message`, the one-line form the edge prints after the file name. */
export function formatLoadError(e: LoadError): string {
  const where = [
    ...(e.section === undefined ? [] : [`section '${e.section}'`]),
    ...(e.insn === undefined ? [] : [`insn ${e.insn}`]),
  ];
  return [...where, e.message].join(': ');
}

/** Thrown only inside a parser and caught at its entry point, which returns it as a LoadResult. */
export class LoadFailure extends Error {
  constructor(readonly error: LoadError) {
    super(error.message);
  }
}

/** Throws a LoadFailure, for deep parsing code; the parser's entry turns it into a value. */
export function failLoad(message: string, section?: string, insn?: number): never {
  throw new LoadFailure(loadFail(message, section, insn).error);
}
