/**
 * A stable serialisation of a scenario: object keys sorted, no whitespace,
 * arrays in order. Two scenarios with the same content give the same string,
 * whatever their key order, so it is what replay tokens hash.
 */
/** Canonical JSON of a ScenarioDef (or any JSON value); undefined fields are dropped, as JSON.stringify does. */
export function canonicalJson(def: unknown): string {
  return JSON.stringify(sortKeys(def));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort()) {
    const value = (v as Record<string, unknown>)[key];
    if (value !== undefined)
      Object.defineProperty(out, key, {
        value: sortKeys(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}
