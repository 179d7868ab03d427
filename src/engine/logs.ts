import type { LogClient, LogOptions } from './clients.js';
import type { RawContainerInspect } from './container-map.js';
import { FrameDecoder, LineSplitter, splitTimestamp } from './demux.js';
import { chunksOf, openUnlessAborted } from './streams.js';
import { seg, type Transport } from './transport.js';
import type { LogLine } from './types.js';

/** The Engine takes `since` as Unix seconds, fractions allowed. */
export function toUnixSeconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export function toLogLine(stream: 'stdout' | 'stderr', text: string, timestamps: boolean): LogLine {
  if (!timestamps) return { stream, line: text };
  const { time, line } = splitTimestamp(text);
  return time === undefined ? { stream, line } : { stream, line, time };
}

/**
 * Demultiplexes and splits a log byte stream into lines, each stream with its
 * own pending partial line so stdout and stderr pieces never mix.
 */
export class LogLineParser {
  private readonly decoder: FrameDecoder;
  private readonly splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() };

  constructor(
    tty: boolean,
    private readonly timestamps: boolean,
  ) {
    this.decoder = new FrameDecoder({ raw: tty });
  }

  push(chunk: Buffer): LogLine[] {
    const lines: LogLine[] = [];
    for (const frame of this.decoder.push(chunk)) {
      for (const text of this.splitters[frame.stream].push(frame.data)) {
        lines.push(toLogLine(frame.stream, text, this.timestamps));
      }
    }
    return lines;
  }

  end(): LogLine[] {
    const lines: LogLine[] = [];
    for (const frame of this.decoder.end()) {
      for (const text of this.splitters[frame.stream].push(frame.data)) {
        lines.push(toLogLine(frame.stream, text, this.timestamps));
      }
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      for (const text of this.splitters[stream].end()) lines.push(toLogLine(stream, text, this.timestamps));
    }
    return lines;
  }
}

async function* logLines(
  transport: Transport,
  containerId: string,
  options: LogOptions,
): AsyncGenerator<LogLine> {
  const resource = `container ${containerId}`;
  const signal = options.signal;
  // A TTY container's log is raw bytes, not frames: that decides how to read it.
  let inspected: RawContainerInspect;
  try {
    inspected = (await transport.json({
      method: 'GET',
      path: `/containers/${seg(containerId)}/json`,
      ...(signal === undefined ? {} : { signal }),
      action: 'read logs of',
      resource,
    })) as RawContainerInspect;
  } catch (err) {
    if (signal?.aborted) return;
    throw err;
  }
  const timestamps = options.timestamps === true;
  const response = await openUnlessAborted(transport, {
    method: 'GET',
    path: `/containers/${seg(containerId)}/logs`,
    query: {
      stdout: true,
      stderr: true,
      follow: options.follow === true,
      timestamps,
      tail: options.tail === undefined ? 'all' : Math.max(0, Math.floor(options.tail)),
      since: options.since === undefined ? undefined : toUnixSeconds(options.since),
    },
    ...(signal === undefined ? {} : { signal }),
    action: 'read logs of',
    resource,
  });
  if (response === undefined) return;
  const parser = new LogLineParser(inspected.Config?.Tty === true, timestamps);
  const context = { endpoint: transport.endpoint, action: 'read logs of', resource };
  for await (const chunk of chunksOf(response, context, signal)) yield* parser.push(chunk);
  if (signal?.aborted) return;
  yield* parser.end();
}

export function logClient(transport: Transport): LogClient {
  return {
    logs(containerId, options = {}) {
      return logLines(transport, containerId, options);
    },
  };
}
