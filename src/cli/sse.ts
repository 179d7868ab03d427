/** One Server-Sent Event as the CLI reads it. */
export interface SseEvent {
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

/**
 * Parses the SSE wire format from lines (without line ends): fields `id`, `event`, `data` (several
 * `data` lines join with a newline); a blank line ends an event; comment lines (`:`) are skipped.
 */
export async function* parseSse(lines: AsyncIterable<string>): AsyncIterable<SseEvent> {
  let id: string | undefined;
  let event = 'message';
  let data: string[] = [];
  for await (const line of lines) {
    if (line === '') {
      if (data.length > 0) yield { ...(id !== undefined ? { id } : {}), event, data: data.join('\n') };
      id = undefined;
      event = 'message';
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
}
