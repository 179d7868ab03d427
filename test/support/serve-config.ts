import { expect } from 'vitest';
import {
  formatServeConfigProblem,
  resolveServeConfig,
  type ServeConfigInput,
  type ServeConfigProblem,
  type ServeSettings,
} from '../../src/config/serve.js';

// Shared by the serve-config tests: a config resolved from flags, env and YAML text, with fixed paths.

export const CWD = '/home/ops';
export const FILE = 'etc/serve.yaml'; // as given on the command line, relative to CWD
export const FILE_DIR = '/home/ops/etc';
export const BASE_ENV = { HOME: '/home/ops' };

export function settings(input: Partial<ServeConfigInput> & { yaml?: string }): ServeSettings {
  const result = resolveServeConfig({
    flags: input.flags ?? {},
    env: input.env ?? BASE_ENV,
    cwd: input.cwd ?? CWD,
    ...(input.yaml !== undefined ? { file: { path: FILE, text: input.yaml } } : {}),
  });
  if (!result.ok) throw new Error(result.errors.map(formatServeConfigProblem).join(''));
  return result.settings;
}

export function errors(input: Partial<ServeConfigInput> & { yaml?: string }): ServeConfigProblem[] {
  const result = resolveServeConfig({
    flags: input.flags ?? {},
    env: input.env ?? BASE_ENV,
    cwd: input.cwd ?? CWD,
    ...(input.yaml !== undefined ? { file: { path: FILE, text: input.yaml } } : {}),
  });
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.settings)}`);
  return [...result.errors];
}

/** The errors as printed, one string each, without the trailing newline. */
export const printed = (input: Partial<ServeConfigInput> & { yaml?: string }) =>
  errors(input).map((e) => formatServeConfigProblem(e).trimEnd());

/** The only error of a file, as printed. */
export function onlyError(yaml: string): string {
  const all = printed({ yaml });
  expect(all, all.join('\n')).toHaveLength(1);
  return all[0] ?? '';
}
