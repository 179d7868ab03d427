/** Stable codes of finding registry credentials; the HTTP edge maps them to statuses. Never rename one. */
export type RegistryErrorCode =
  /** The docker config.json cannot be read, is not JSON, or is not the shape docker writes. */
  | 'REGISTRY_CONFIG_UNREADABLE'
  /** An `auths` entry for the registry is malformed (bad base64, no colon, no user name). */
  | 'REGISTRY_CREDENTIALS_INVALID'
  /** The credential helper is missing, timed out, failed, or answered something that is not credentials. */
  | 'REGISTRY_HELPER_FAILED'
  /** An image reference with no name: nothing to look a registry up for. */
  | 'REGISTRY_REFERENCE_INVALID';

/**
 * What failed, where (the file, the key, the helper) and, in the hint, what to do. Never holds a
 * password, an `auth` string or anything a credential helper printed.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export const isRegistryError = (error: unknown): error is RegistryError => error instanceof RegistryError;
