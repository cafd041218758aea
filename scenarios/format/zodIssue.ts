/**
 * zod's issues as the one-line errors of the format: `file: path: message`,
 * the first problem in field order. An unknown field of an object is reported
 * before what its absence or typo causes (a misspelt field is also a missing
 * one), as a reader would look for it.
 */
import type { z } from 'zod';
import { isObj, pathText } from './paths.js';

type Issue = z.core.$ZodIssue;

const isPrefix = (a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean =>
  a.length <= b.length && a.every((p, i) => p === b[i]);

/** True when an option failed because the value is not of its type at all. */
function isOtherType(issues: readonly Issue[]): boolean {
  return issues.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'invalid_type' ||
        (i.code === 'invalid_value' && i.values.every((v) => typeof v !== typeof i.input)) ||
        (i.code === 'invalid_union' && i.errors.length > 0 && i.errors.every(isOtherType))),
  );
}

/** The issue to report among `issues` (all at paths relative to `base`), with its full path. */
function pick(issues: readonly Issue[], base: readonly PropertyKey[]): { issue: Issue; path: PropertyKey[] } {
  const first = issues[0]!;
  const unknown = issues.find((i) => i.code === 'unrecognized_keys' && isPrefix(i.path, first.path));
  const issue = unknown ?? first;
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  // No option fits. When none takes a value of this type, the union's own message says what
  // would; else explain the option of this type that came closest (fewest problems, then first).
  const sameType = issue.errors.filter((e) => !isOtherType(e));
  if (sameType.length === 0) return { issue, path };
  const closest = sameType.reduce((best, e) => (e.length < best.length ? e : best));
  return closest.length === 0 ? { issue, path } : pick(closest, path);
}

/** The one-line message for a failed parse of `file`. */
export function issueLine(file: string, issues: readonly Issue[]): string {
  const { issue, path } = pick(issues, []);
  let message = issue.message;
  let at = path;
  const last = path[path.length - 1];
  if (issue.code === 'unrecognized_keys') at = [...path, issue.keys[0]!];
  else if (
    issue.code === 'invalid_union' &&
    typeof issue.discriminator === 'string' &&
    isObj(issue.input) &&
    issue.input[issue.discriminator] === undefined
  ) {
    at = path.slice(0, -1);
    message = `missing required field '${issue.discriminator}'`;
  } else if (issue.input === undefined && issue.code !== 'custom' && typeof last === 'string') {
    at = path.slice(0, -1);
    message = `missing required field '${last}'`;
  }
  const where = pathText(at);
  return `${file}: ${where === '' ? '(root)' : where}: ${message}`;
}
