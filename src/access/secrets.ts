import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A source of cryptographically random bytes; injected so tests can make ids predictable. */
export type RandomBytes = (bytes: number) => Buffer;

export const systemRandom: RandomBytes = (bytes) => randomBytes(bytes);

/** Bytes of randomness in session ids, CSRF tokens, setup tokens and API tokens (256 bits). */
export const SECRET_BYTES = 32;

export function randomSecret(random: RandomBytes): string {
  return random(SECRET_BYTES).toString('base64url');
}

/** An opaque row id such as `usr_3f9a…`: 96 random bits, readable in logs, not a secret. */
export function randomId(random: RandomBytes, prefix: string): string {
  return `${prefix}_${random(12).toString('hex')}`;
}

/**
 * sha256 in hex. Enough for high-entropy random secrets (a 256-bit token cannot be guessed from its hash);
 * passwords use argon2id instead.
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Compares two hex digests in time independent of where they differ. */
export function digestsEqual(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}
