import { AuthError } from './errors.js';

/** Lowercase, starting with a letter or digit, 2 to 64 characters. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase; bounds the work one request can ask of argon2. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Passwords of 12 characters or more that appear high in breach corpora, plus the obvious ones for this
 * product. Short ones are refused by length already. Compared lowercased.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '000000000000',
  '111111111111',
  '123123123123',
  '123412341234',
  '123456123456',
  '123456789012',
  '1234567890123',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  'zaq12wsxcde3',
  'qwertyuiop12',
  'qwerty123456',
  'qwertyqwerty',
  'asdfghjkl123',
  'asdfasdfasdf',
  'abc123abc123',
  'abcd1234abcd',
  'password1234',
  'password12345',
  'password123456',
  'password!234',
  'passwordpassword',
  'passw0rd1234',
  'p@ssw0rd1234',
  'p@ssword1234',
  'iloveyou1234',
  'administrator',
  'administrator1',
  'adminadmin12',
  'adminadmin123',
  'admin1234567',
  'admin123456789',
  'changeme1234',
  'changemenow!',
  'letmein12345',
  'welcome12345',
  'welcome123456',
  'football1234',
  'baseball1234',
  'monkey123456',
  'dragon123456',
  'sunshine1234',
  'princess1234',
  'superman1234',
  'starwars1234',
  'trustno1trustno1',
  'correcthorsebatterystaple',
  'berthberth12',
  'berth1234567',
  'berthadmin12',
  'berthadmin123',
]);

/** NFKC, as NIST SP 800-63B advises, so the same password typed on different systems hashes the same. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new AuthError(
      'AUTH_INVALID_USERNAME',
      `invalid username "${username.slice(0, 80)}"`,
      'use 2 to 64 characters: lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
}

/** Every character one step after (or before) the previous one, like "abcdefghijkl" or "987654321098". */
function isSequence(chars: readonly string[]): boolean {
  const steps = new Set<number>();
  for (let i = 1; i < chars.length; i++) {
    const step = (chars[i]?.codePointAt(0) ?? 0) - (chars[i - 1]?.codePointAt(0) ?? 0);
    steps.add(step);
  }
  return steps.size === 1 && (steps.has(1) || steps.has(-1));
}

function weak(message: string, hint: string): AuthError {
  return new AuthError('AUTH_WEAK_PASSWORD', message, hint);
}

/** The password policy: length, not the username, not common, not trivially patterned. Expects NFKC. */
export function checkPassword(password: string, username: string): void {
  const chars = [...password];
  if (chars.length < MIN_PASSWORD_LENGTH) {
    throw weak(
      `the password is too short (${chars.length} characters)`,
      `use at least ${MIN_PASSWORD_LENGTH} characters; a passphrase of several random words works well`,
    );
  }
  if (chars.length > MAX_PASSWORD_LENGTH) {
    throw weak('the password is too long', `use at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  const lower = password.toLowerCase();
  if (lower === username.toLowerCase()) {
    throw weak('the password equals the username', 'choose a password that is not the username');
  }
  if (COMMON_PASSWORDS.has(lower) || new Set(chars).size < 5 || isSequence(chars)) {
    throw weak(
      'the password is too common or too simple',
      'avoid well-known passwords, repeats and keyboard runs; a passphrase of several random words works well',
    );
  }
}
