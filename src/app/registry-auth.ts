import type { RegistryAuthFor } from '../deploy/pull-images.js';

/**
 * Deploys pull with the credentials `docker login` left in `<dockerConfigDir>/config.json` (or its
 * credential helper), read afresh for every pull, so a login after `berth serve` started counts.
 * Loaded on the first pull: serving that never pulls does not pay for it. An abort of the deploy
 * kills a credential helper that is still running.
 */
export function registryAuth(dockerConfigDir: string | undefined): { registryAuth?: RegistryAuthFor } {
  if (dockerConfigDir === undefined) return {};
  return {
    registryAuth: async (reference, signal) => {
      const { registryCredentialsFor } = await import('../secrets/registry-credentials.js');
      return registryCredentialsFor(reference, { dockerConfigDir, ...(signal ? { signal } : {}) });
    },
  };
}
