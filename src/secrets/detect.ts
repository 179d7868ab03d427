/**
 * Names that hold secrets by convention. Used to mask values in output and logs: a value is shown
 * only when the operator asks for it (`--reveal`), never by accident in a terminal or a CI log.
 */
const SECRET_NAME =
  /(pass(word|wd|phrase)?|secret|token|api[-_]?key|private[-_]?key|credential|auth[-_]?key|salt|dsn)$/i;
const SECRET_PART =
  /(^|[-_.])(pass(word|wd)?|secret|token|apikey|api_key|private_key|credentials?)([-_.]|$)/i;

export const MASK = '********';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || SECRET_PART.test(name);
}

/** A copy of a JSON-like tree with string values under secret-looking keys replaced by a mask. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      isSecretName(key) && (typeof child === 'string' || typeof child === 'number') && child !== ''
        ? MASK
        : maskSecrets(child);
  }
  return out;
}

/**
 * The values of a container's secret-looking variables (`KEY=value` entries, as the engine lists a
 * container's environment): what a process may print although the stack's files no longer say it.
 */
export function secretEnvValues(env: readonly string[]): string[] {
  return env.flatMap((entry) => {
    const at = entry.indexOf('=');
    if (at <= 0) return [];
    const value = entry.slice(at + 1);
    return value !== '' && isSecretName(entry.slice(0, at)) ? [value] : [];
  });
}
