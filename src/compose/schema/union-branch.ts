import type { z } from 'zod';
import type { Path } from '../load/yaml.js';

// Which branch of a union a value was meant for, from the issues each branch raised: what lets a
// finding say what is wrong inside that branch instead of zod's "Invalid input".

type Issue = z.core.$ZodIssue;

function at(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function branchesOf(issue: Issue): readonly (readonly Issue[])[] {
  return (issue as { errors?: readonly (readonly Issue[])[] }).errors ?? [];
}

/** A required key of the branch's mapping that the value lacks: the branch is not the one meant. */
function missingKey(i: Issue, value: unknown): boolean {
  return i.code === 'invalid_type' && i.path.length === 1 && at(value, i.path) === undefined;
}

/**
 * The issue says the value is not of the branch's shape at all: another type, another union, a
 * value outside an enum, keys the branch does not take, or one it needs missing.
 */
function refusesShape(i: Issue, value: unknown): boolean {
  if (missingKey(i, value)) return true;
  if (i.path.length > 0) return false;
  return (
    i.code === 'invalid_type' ||
    i.code === 'unrecognized_keys' ||
    i.code === 'invalid_union' ||
    i.code === 'invalid_value'
  );
}

/**
 * The issues of the one branch whose shape the value has (its keys are there, nothing else), so
 * what is wrong is inside it; undefined when no branch or several fit.
 */
export function meantBranch(issue: Issue, value: unknown): readonly Issue[] | undefined {
  const fits = branchesOf(issue).filter((b) => b.length > 0 && b.every((i) => !refusesShape(i, value)));
  return fits.length === 1 ? fits[0] : undefined;
}

/**
 * The keys the union's mapping branches take, in order (`file`, `http`, `command` for one of three
 * mappings), when the value is a mapping (or nothing) that fits none of them: each branch's keys it
 * lacks, and the keys of the value a strict branch took (all but the ones it did not recognise).
 */
export function branchKeys(issue: Issue, value: unknown): string[] {
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) return [];
  const has = Object.keys(value ?? {});
  const keys: string[] = [];
  const add = (key: unknown) => {
    if (typeof key === 'string' && !keys.includes(key)) keys.push(key);
  };
  for (const branch of branchesOf(issue)) {
    for (const i of branch) {
      if (missingKey(i, value)) add(i.path[0]);
      if (i.code === 'unrecognized_keys' && i.path.length === 0) {
        for (const key of has) if (!i.keys.includes(key)) add(key);
      }
    }
  }
  return keys;
}

/** The keys a mapping value has, for the finding to show (none for another value). */
export function keysOf(value: unknown): Path | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.keys(value)
    : undefined;
}
