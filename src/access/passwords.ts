import type { Algorithm } from '@node-rs/argon2';

/** Hashes and checks passwords. Injected so tests can use cheap parameters or count calls. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /** Whether a stored hash was made with other parameters than the current ones (rehash at next login). */
  needsRehash(passwordHash: string): boolean;
}

export interface Argon2Params {
  /** KiB of memory per hash. */
  readonly memoryCost: number;
  /** Passes over that memory. */
  readonly timeCost: number;
  /** Lanes. */
  readonly parallelism: number;
}

/**
 * The OWASP Password Storage Cheat Sheet's argon2id baseline (19 MiB, 2 passes, 1 lane): about 50 ms on
 * a current core. Memory is the cost that hurts GPU attackers; it is kept at 19 MiB because Berth runs
 * on small hosts and a burst of logins uses this much per libuv thread (four by default). Raising it
 * later is safe: hashes made with older parameters are redone at the next successful login.
 */
export const DEFAULT_ARGON2_PARAMS: Argon2Params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// `Algorithm` is an ambient const enum, which isolatedModules cannot reference by member; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** The native argon2 binding, loaded on the first hash or verify: an idle server never needs its ~10 MB. */
let binding: Promise<typeof import('@node-rs/argon2')> | undefined;
const argon2 = () => {
  binding ??= import('@node-rs/argon2');
  return binding;
};

/** The parameters of a PHC string `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`; undefined when it is not one. */
export function phcParams(passwordHash: string): (Argon2Params & { algorithm: string }) | undefined {
  const match = /^\$(argon2(?:id|i|d))\$(?:v=\d+\$)?m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
  if (!match) return undefined;
  const [, algorithm = '', m = '', t = '', p = ''] = match;
  return { algorithm, memoryCost: Number(m), timeCost: Number(t), parallelism: Number(p) };
}

/** argon2id through @node-rs/argon2 (random 16-byte salt, 32-byte output, PHC string). */
export function argon2Hasher(params: Argon2Params = DEFAULT_ARGON2_PARAMS): PasswordHasher {
  const options = { ...params, algorithm: ARGON2ID };
  return {
    hash: async (password) => (await argon2()).hash(password, options),
    verify: async (passwordHash, password) => (await argon2()).verify(passwordHash, password, options),
    needsRehash(passwordHash) {
      const found = phcParams(passwordHash);
      return (
        found === undefined ||
        found.algorithm !== 'argon2id' ||
        found.memoryCost !== params.memoryCost ||
        found.timeCost !== params.timeCost ||
        found.parallelism !== params.parallelism
      );
    },
  };
}
