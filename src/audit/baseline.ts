import { readFile, writeFile } from 'node:fs/promises';

/** A baseline: fingerprints of findings accepted as they are, hidden from later reports. */
export interface BaselineFile {
  readonly version: 1;
  readonly fingerprints: readonly string[];
}

export class BaselineError extends Error {
  readonly code = 'AUDIT_BASELINE_INVALID';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'BaselineError';
  }
}

const FINGERPRINT = /^[0-9a-f]{16}$/;

export function parseBaseline(text: string, file: string): Set<string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    throw new BaselineError(
      `${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      'write the baseline with `berth audit --write-baseline FILE`',
    );
  }
  const shape = value as Partial<BaselineFile> | null;
  if (
    shape === null ||
    typeof shape !== 'object' ||
    shape.version !== 1 ||
    !Array.isArray(shape.fingerprints) ||
    !shape.fingerprints.every((f) => typeof f === 'string' && FINGERPRINT.test(f))
  ) {
    throw new BaselineError(
      `${file} is not a Berth audit baseline: expected {"version":1,"fingerprints":["<16 hex>", ...]}`,
      'write the baseline with `berth audit --write-baseline FILE`',
    );
  }
  return new Set(shape.fingerprints);
}

/** Sorted and without duplicates, so a rewritten baseline diffs cleanly in review. */
export function formatBaseline(fingerprints: Iterable<string>): string {
  const file: BaselineFile = { version: 1, fingerprints: [...new Set(fingerprints)].sort() };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export async function readBaseline(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error: unknown) {
    throw new BaselineError(
      `cannot read baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      'check the path, or create one with `berth audit --write-baseline FILE`',
    );
  }
  return parseBaseline(text, file);
}

export async function writeBaseline(file: string, fingerprints: Iterable<string>): Promise<void> {
  await writeFile(file, formatBaseline(fingerprints), 'utf8');
}
