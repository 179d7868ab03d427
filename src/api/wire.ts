import type { z } from 'zod';

/**
 * What may be sent where the contract says `T`: the same shape, read-only at every level, with its
 * free-form JSON parts (`z.json()`) open to any plain value. Domain values (readonly arrays,
 * interfaces under a free-form part) fit it as they are, so nothing is copied to be sent: the
 * server serializes them, and a client parses what arrives with the schema of `T`.
 */
export type Sendable<T> = [z.core.util.JSONType] extends [T]
  ? unknown
  : T extends readonly (infer E)[]
    ? readonly Sendable<E>[]
    : T extends object
      ? { readonly [K in keyof T]: Sendable<T[K]> }
      : T;
