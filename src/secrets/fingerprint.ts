import { createHash, randomBytes } from 'node:crypto';
import { maskStrings, valueMasker } from './mask.js';

/*
 * What Berth stores in place of a secret value it must still be able to compare: a salted SHA-256
 * fingerprint. The applied specs keep them, so the next plan can tell that a password changed
 * without the state file holding the password (issue 13: masked wherever Berth stores text).
 */

/** A fingerprint in a text (a reason comparing a stored spec with a new one; it may be cut short). */
export const FINGERPRINT = /\[secret [0-9a-f]{16}/;

/** A fresh salt for one stored record. */
export function newFingerprintSalt(): string {
  return randomBytes(16).toString('base64url');
}

/** `[secret 1f2e…]`: 16 hex digits of SHA-256 over the salt and the value. */
export function fingerprint(value: string, salt: string): string {
  const digest = createHash('sha256').update(salt).update('\0').update(value).digest('hex');
  return `[secret ${digest.slice(0, 16)}]`;
}

/**
 * A function that copies a JSON-like tree with every occurrence of `values` (as valueMasker finds
 * them, in any string; keys stay) replaced by its fingerprint under `salt`. The same values and salt
 * always give the same tree, so two specs fingerprinted alike compare as their originals do.
 */
export function fingerprinter(values: readonly string[], salt: string): <T>(tree: T) => T {
  const replace = valueMasker(values, (value) => fingerprint(value, salt));
  return (tree) => maskStrings(tree, replace);
}
