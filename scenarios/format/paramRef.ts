/** A reference to a declared parameter, e.g. `$cpus`. */
export type ParamRef = `$${string}`;
/** A numeric field: a literal integer or a parameter reference. */
export type Num = number | ParamRef;
