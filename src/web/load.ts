import { StackNameSchema } from '../api/common.js';
import { type LogEntry, LogEntrySchema, LogErrorLineSchema } from '../api/deploy.js';
import { ApiFailure, type ApiSession, apiPath, failureOf } from './api-client.js';
import type { Loaded } from './views/stack.js';

// Reading helpers of the pages: a part that fails is shown as its message, not as a failed page.

/** The value, or what the API said instead (401 still ends the page: the caller must log in). */
export async function loaded<T>(work: Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await work };
  } catch (error: unknown) {
    if (error instanceof ApiFailure && error.status !== 401) return { ok: false, error: error.message };
    throw error;
  }
}

/** A stack name from a path, or a 404 (the API is never asked about a name it cannot hold). */
export function stackName(raw: string): string {
  const parsed = StackNameSchema.safeParse(raw);
  if (!parsed.success) throw new ApiFailure(404, 'NOT_FOUND', `no stack ${raw}`);
  return parsed.data;
}

/** The last lines of each of a stack's containers (the API's NDJSON, read to its end). */
export async function logTail(api: ApiSession, stack: string, tail: number): Promise<LogEntry[]> {
  const res = await api.raw('GET', `${apiPath`/api/v1/stacks/${stack}/logs`}?tail=${tail}`);
  if (!res.ok) throw await failureOf(res);
  const lines: LogEntry[] = [];
  for (const text of (await res.text()).split('\n')) {
    if (text === '') continue;
    const json: unknown = JSON.parse(text);
    const entry = LogEntrySchema.safeParse(json);
    if (entry.success) {
      lines.push(entry.data);
      continue;
    }
    const failed = LogErrorLineSchema.safeParse(json);
    if (failed.success) throw new ApiFailure(502, failed.data.error.code, failed.data.error.message);
  }
  return lines;
}
