import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ImageBuildOptions } from './clients.js';
import { type ContextFilter, contextFilter, parseDockerignore } from './dockerignore.js';
import { EngineError } from './errors.js';
import { jsonLinesOf } from './streams.js';
import type { Transport } from './transport.js';
import type { BuildEvent } from './types.js';

/** How many log lines a failed build's error carries. */
export const BUILD_LOG_TAIL = 20;

/** One message of the legacy builder's JSON stream (the fields Berth reads). */
interface RawBuildMessage {
  stream?: string;
  status?: string;
  id?: string;
  aux?: { ID?: string };
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Turns the builder's JSON messages into BuildEvents. `stream` text arrives
 * in arbitrary pieces, so it is reassembled into whole lines.
 */
export class BuildProgress {
  private partial = '';
  private readonly tail: string[] = [];
  private imageId: string | undefined;
  private failure: string | undefined;

  push(message: unknown): BuildEvent[] {
    const raw = (message ?? {}) as RawBuildMessage;
    const events: BuildEvent[] = [];
    if (typeof raw.stream === 'string') {
      const text = this.partial + raw.stream;
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.log(line, events);
    }
    if (typeof raw.status === 'string') this.log(raw.id ? `${raw.id}: ${raw.status}` : raw.status, events);
    if (typeof raw.aux?.ID === 'string') this.imageId = raw.aux.ID;
    const error = raw.errorDetail?.message ?? raw.error;
    if (typeof error === 'string' && this.failure === undefined) {
      this.flush(events);
      this.failure = error.trim();
      events.push({ type: 'error', message: this.failure });
    }
    return events;
  }

  /** The last events, or the build's failure as an EngineError. */
  finish(tag: string): BuildEvent[] {
    const events: BuildEvent[] = [];
    this.flush(events);
    if (this.failure !== undefined) {
      throw new EngineError('ENGINE_FAILED', `build of ${tag} failed: ${this.failure}`, {
        resource: `image ${tag}`,
        details: [...this.tail],
        hint: 'the last build log lines are in the error details; fix the Dockerfile step that failed',
      });
    }
    const imageId = this.imageId ?? this.legacyImageId();
    if (imageId === undefined) {
      throw new EngineError('ENGINE_FAILED', `build of ${tag} ended without reporting an image id`, {
        resource: `image ${tag}`,
        details: [...this.tail],
      });
    }
    events.push({ type: 'done', imageId });
    return events;
  }

  private log(line: string, events: BuildEvent[]): void {
    const clean = line.replace(/\r$/, '').trimEnd();
    if (clean === '') return;
    this.tail.push(clean);
    if (this.tail.length > BUILD_LOG_TAIL) this.tail.shift();
    events.push({ type: 'log', line: clean });
  }

  private flush(events: BuildEvent[]): void {
    if (this.partial !== '') this.log(this.partial, events);
    this.partial = '';
  }

  /** Engines that send no `aux` message still print "Successfully built <id>". */
  private legacyImageId(): string | undefined {
    for (const line of [...this.tail].reverse()) {
      const match = /^Successfully built ([0-9a-f]+)$/.exec(line);
      if (match?.[1]) return match[1];
    }
    return undefined;
  }
}

async function readIgnoreFile(contextDir: string): Promise<string[]> {
  try {
    return parseDockerignore(await readFile(join(contextDir, '.dockerignore'), 'utf8'));
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return [];
    throw new EngineError('ENGINE_BAD_REQUEST', `cannot read ${join(contextDir, '.dockerignore')}: ${err}`, {
      cause: err,
      hint: 'make the .dockerignore file readable, or remove it',
    });
  }
}

/** The context's entries in tar order: what the filter includes, folders before their content. */
export async function contextEntries(contextDir: string, filter: ContextFilter): Promise<string[]> {
  const entries: string[] = [];
  const walk = async (relDir: string): Promise<void> => {
    const dirents = await readdir(join(contextDir, relDir), { withFileTypes: true });
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      const rel = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
      const included = filter.includes(rel);
      if (included) entries.push(rel);
      // Symlinks are sent as links, never followed.
      if (dirent.isDirectory() && filter.walks(rel)) await walk(rel);
    }
  };
  await walk('');
  return entries;
}

/**
 * The context as a tar stream of exactly `entries`, owned by root as the CLI
 * sends it. tar-fs would walk folders itself; every child it finds is refused,
 * since `entries` already lists what belongs in. tar-fs is loaded on the first build: it and its
 * stream stack cost about 6 MB of resident memory that a server that never builds does not need.
 */
export async function packEntries(contextDir: string, entries: readonly string[]): Promise<Readable> {
  const { pack } = await import('tar-fs');
  const tar = pack(contextDir, {
    entries: [...entries],
    ignore: () => true,
    // Sockets and FIFOs cannot be sent; skip them instead of failing the build.
    strict: false,
    map(header) {
      return { ...header, uid: 0, gid: 0 };
    },
  });
  // tar-fs streams are streamx streams; a Node stream around them is what the HTTP layer pipes.
  return Readable.from(tar, { objectMode: false });
}

export async function packContext(
  contextDir: string,
  patterns: readonly string[],
  dockerfile: string,
): Promise<Readable> {
  const entries = await contextEntries(contextDir, contextFilter(patterns, dockerfile));
  return packEntries(contextDir, entries);
}

/** Legacy builder (no BuildKit): one request, progress as JSON lines. */
export async function* buildImage(
  transport: Transport,
  options: ImageBuildOptions,
): AsyncGenerator<BuildEvent> {
  const dockerfile = options.dockerfile ?? 'Dockerfile';
  const patterns = await readIgnoreFile(options.contextDir);
  const context = await packContext(options.contextDir, patterns, dockerfile);
  const resource = `image ${options.tag}`;
  const response = await transport.stream({
    method: 'POST',
    path: '/build',
    query: {
      t: options.tag,
      dockerfile,
      buildargs: options.args ? JSON.stringify(options.args) : undefined,
      labels: options.labels ? JSON.stringify(options.labels) : undefined,
      target: options.target,
      platform: options.platform,
      nocache: options.noCache === true ? true : undefined,
      version: '1',
      rm: true,
      forcerm: true,
    },
    file: context,
    headers: { 'Content-Type': 'application/x-tar' },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    action: 'build',
    resource,
  });
  const progress = new BuildProgress();
  const errorContext = { endpoint: transport.endpoint, action: 'build', resource };
  for await (const message of jsonLinesOf(response, errorContext, options.signal)) {
    yield* progress.push(message);
  }
  // An abort ends the stream early; the build did not finish, so say why.
  if (options.signal?.aborted) throw options.signal.reason;
  yield* progress.finish(options.tag);
}
