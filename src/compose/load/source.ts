import { readFileSync, type Stats, statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { type Diagnostic, SpecCode, specError, WHOLE_FILE } from '../diagnostics.js';
import { inputKindOf, noteInput } from './inputs.js';

/** Limits that keep hostile input bounded in memory and time. */
export interface SourceLimits {
  /** Largest file accepted, in bytes. Real compose files are a few KiB; the corpus maximum is ~60 KiB. */
  readonly maxBytes: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = { maxBytes: 1024 * 1024 };

export type SourceResult = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

const decoder = new TextDecoder('utf-8', { fatal: true });

let blocking = false;

/**
 * Makes this thread's reads of the spec layer (here and in discover.ts) blocking calls: for a thread
 * that does nothing but load (validatePaths' workers), where a stat or read answered at once costs
 * less than a trip through libuv's thread pool. Never for a thread that serves anything.
 */
export function useBlockingReads(): void {
  blocking = true;
}

/** `stat`, blocking or not (see useBlockingReads). */
export function statPath(path: string): Promise<Stats> {
  if (!blocking) return stat(path);
  try {
    return Promise.resolve(statSync(path));
  } catch (error: unknown) {
    return Promise.reject(error);
  }
}

/** A file's bytes, read blocking or not (see useBlockingReads). */
async function readBytes(file: string): Promise<Uint8Array> {
  if (blocking) return readFileSync(file);
  const handle = await open(file, 'r');
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The 1-based line and column of a byte offset, counting characters as UTF-8 decodes them up to there. */
function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
  const lines = before.split('\n');
  const last = lines[lines.length - 1] ?? '';
  return { line: lines.length, column: last.length + 1 };
}

/** Index of the first byte that is not part of a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // Binary search on the longest valid prefix: decoding is all-or-nothing per call.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode();
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

function tooLarge(file: string, size: number, limits: SourceLimits): SourceResult {
  return {
    ok: false,
    diagnostic: specError(
      SpecCode.FileTooLarge,
      file,
      WHOLE_FILE,
      `file is ${size} bytes, over the limit of ${limits.maxBytes} bytes`,
      'compose files are small text files; check that this is the file you meant',
    ),
  };
}

/** Decodes file bytes as UTF-8 text, refusing binary and non-UTF-8 content with a located error. */
export function decodeSource(
  file: string,
  bytes: Uint8Array,
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
): SourceResult {
  if (bytes.length > limits.maxBytes) return tooLarge(file, bytes.length, limits);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      ok: false,
      diagnostic: specError(
        SpecCode.FileBinary,
        file,
        positionOfByte(bytes, nul),
        'file contains a NUL byte: this looks like a binary file, not YAML',
        'point Berth at the YAML text file of the stack',
      ),
    };
  }
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return {
      ok: false,
      diagnostic: specError(
        SpecCode.FileNotUtf8,
        file,
        positionOfByte(bytes, at),
        `file is not valid UTF-8 (byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at})`,
        'save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)',
      ),
    };
  }
  return { ok: true, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}

/** Reads a file with the size limit checked before reading, so a huge file is never loaded. */
export async function readSource(
  file: string,
  limits: SourceLimits = DEFAULT_SOURCE_LIMITS,
): Promise<SourceResult> {
  try {
    const info = await statPath(file).catch((error: unknown) => {
      noteInput(file, 'missing');
      throw error;
    });
    noteInput(file, inputKindOf(info));
    if (!info.isFile()) {
      return {
        ok: false,
        diagnostic: specError(
          SpecCode.FileUnreadable,
          file,
          WHOLE_FILE,
          info.isDirectory() ? 'expected a file, found a folder' : 'not a regular file',
          'give the path of a compose file or of a stack folder',
        ),
      };
    }
    if (info.size > limits.maxBytes) return tooLarge(file, info.size, limits);
    return decodeSource(file, await readBytes(file), limits);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    return {
      ok: false,
      diagnostic: specError(
        SpecCode.FileUnreadable,
        file,
        WHOLE_FILE,
        code === 'ENOENT' ? 'file does not exist' : `cannot read file (${code})`,
        code === 'EACCES' ? 'check the file permissions' : 'check the path',
      ),
    };
  }
}
