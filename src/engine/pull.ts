import type { ImagePullOptions, RegistryAuth } from './clients.js';
import { EngineError, isEngineError } from './errors.js';
import { jsonLinesOf } from './streams.js';
import { seg, type Transport } from './transport.js';
import type { PullEvent } from './types.js';

/** How many progress lines a failed pull's error carries. */
export const PULL_LOG_TAIL = 20;

/** What `POST /images/create` is given, and the reference that finds the image afterwards. */
export interface PullTarget {
  /** The repository, without tag or digest, e.g. `host:5000/a/b`. */
  readonly fromImage: string;
  /** The tag, `sha256:…` for a digest, `latest` when the reference names neither. */
  readonly tag: string;
  /** `repo:tag` or `repo@digest`: what to inspect once the pull ended. */
  readonly pinned: string;
  /** The registry the engine asks, e.g. `docker.io` or `host:5000`. */
  readonly registry: string;
}

/**
 * Splits a compose `image:` value for the engine. A repository alone must get `tag=latest`: the
 * engine pulls every tag of a repository sent without one. A digest wins over a tag, as in the CLI.
 */
export function pullTarget(reference: string): PullTarget {
  const trimmed = reference.trim();
  if (trimmed === '' || /\s/.test(trimmed)) {
    throw new EngineError(
      'ENGINE_BAD_REQUEST',
      `cannot pull ${JSON.stringify(reference)}: not an image reference`,
      {
        resource: `image ${reference}`,
        hint: 'write the image as name, name:tag or name@sha256:digest, e.g. nginx:1.27',
      },
    );
  }
  const at = trimmed.indexOf('@');
  const named = at === -1 ? trimmed : trimmed.slice(0, at);
  const digest = at === -1 ? undefined : trimmed.slice(at + 1);
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const repository = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : 'latest';
  return {
    fromImage: repository,
    tag: digest ?? tag,
    pinned: digest === undefined ? `${repository}:${tag}` : `${repository}@${digest}`,
    registry: registryOf(repository),
  };
}

/** The registry host of a repository: its first part when that looks like a host, else Docker Hub. */
export function registryOf(repository: string): string {
  const slash = repository.indexOf('/');
  if (slash === -1) return 'docker.io';
  const first = repository.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

/**
 * The X-Registry-Auth header: JSON in base64url WITH padding. dockerd 20.10 decodes it with Go's
 * padded URL encoding and silently drops a header it cannot decode (Node's `base64url` has no
 * padding), so the pull then goes out without credentials.
 */
export function registryAuthHeader(auth: RegistryAuth): string {
  const body: Record<string, string> = { serveraddress: auth.serveraddress };
  if (auth.username !== undefined) body.username = auth.username;
  if (auth.password !== undefined) body.password = auth.password;
  if (auth.identitytoken !== undefined) body.identitytoken = auth.identitytoken;
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

type FailureKind = 'denied' | 'missing' | 'unreachable' | 'other';

/** What the registry's words mean for the operator (dockerd passes them on verbatim). */
export function failureKind(words: string): FailureKind {
  if (/unauthorized|denied|no basic auth credentials|authentication required|forbidden/i.test(words)) {
    return 'denied';
  }
  if (/manifest unknown|not found|no such image|does not exist/i.test(words)) return 'missing';
  if (
    /connection refused|no such host|dial tcp|i\/o timeout|timeout|network is unreachable|tls|x509|https/i.test(
      words,
    )
  ) {
    return 'unreachable';
  }
  return 'other';
}

const SAYS: Readonly<Record<FailureKind, string>> = {
  denied: 'the registry denied access',
  missing: 'the registry has no such image',
  unreachable: 'the registry is unreachable from the Docker host',
  other: 'the engine could not pull it',
};

export function pullHint(kind: FailureKind, registry: string): string {
  switch (kind) {
    case 'denied':
      return `give Berth credentials for ${registry} (a private repository, or wrong ones), and check the repository name: registries answer "denied" for a misspelled one too`;
    case 'missing':
      return `check the image name and tag against what ${registry} holds`;
    case 'unreachable':
      return `${registry} must be reachable from the Docker host (it pulls, not Berth): check DNS, proxy, firewall, and insecure-registries for a plain-HTTP registry`;
    case 'other':
      return `check the reference, that ${registry} is reachable from the Docker host, and the credentials`;
  }
}

/** The failure of a pull of `reference`, whichever way the engine reported it. */
export function pullError(
  reference: string,
  words: string,
  options: { code?: EngineError['code']; status?: number; details?: readonly string[]; cause?: unknown } = {},
): EngineError {
  const kind = failureKind(words);
  const registry = registryOf(pullTarget(reference).fromImage);
  return new EngineError(
    options.code ?? 'ENGINE_FAILED',
    `pull of ${reference} failed: ${SAYS[kind]}: ${words}`,
    {
      resource: `image ${reference}`,
      hint: pullHint(kind, registry),
      ...(options.status === undefined ? {} : { status: options.status }),
      ...(options.details === undefined ? {} : { details: options.details }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    },
  );
}

/** One message of the pull's JSON stream (the fields Berth reads). */
interface RawPullMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** Per-byte progress: repeated many times per layer, worth nothing in a log. */
const NOISY = new Set(['Downloading', 'Extracting']);

/** Turns the engine's pull messages into PullEvents, keeping status transitions only. */
export class PullProgress {
  private readonly tail: string[] = [];
  private failure: string | undefined;

  push(message: unknown): PullEvent[] {
    const raw = (message ?? {}) as RawPullMessage;
    const events: PullEvent[] = [];
    const error = raw.errorDetail?.message ?? raw.error;
    if (typeof error === 'string') {
      if (this.failure === undefined)
        this.failure = error.trim() || 'the engine reported an error without words';
      return events;
    }
    if (typeof raw.status !== 'string') return events;
    const status = raw.status.trim();
    if (status === '' || NOISY.has(status) || typeof raw.progressDetail?.current === 'number') return events;
    const line = typeof raw.id === 'string' && raw.id !== '' ? `${raw.id}: ${status}` : status;
    this.tail.push(line);
    if (this.tail.length > PULL_LOG_TAIL) this.tail.shift();
    events.push({ type: 'progress', line });
    return events;
  }

  /** Throws the failure the stream reported, if any. */
  finish(reference: string): void {
    if (this.failure !== undefined) throw pullError(reference, this.failure, { details: [...this.tail] });
  }
}

/** Gives a failure the transport mapped (non-2xx answers) the reference and a pull hint. */
function asPullError(err: unknown, reference: string): unknown {
  if (!isEngineError(err) || err.code === 'ENGINE_UNAVAILABLE') return err;
  // The transport's message is "pull image <ref>: <engine's words>".
  const prefix = `pull image ${reference}: `;
  const words = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return pullError(reference, words, {
    code: err.code,
    ...(err.status === undefined ? {} : { status: err.status }),
    cause: err,
  });
}

/** `POST /images/create`: the progress lines, then `done` with the id of the image now present. */
export async function* pullImage(transport: Transport, options: ImagePullOptions): AsyncGenerator<PullEvent> {
  const { reference, signal } = options;
  const target = pullTarget(reference);
  const resource = `image ${reference}`;
  let response: Awaited<ReturnType<Transport['stream']>>;
  try {
    response = await transport.stream({
      method: 'POST',
      path: '/images/create',
      query: { fromImage: target.fromImage, tag: target.tag, platform: options.platform },
      ...(options.auth === undefined
        ? {}
        : { headers: { 'X-Registry-Auth': registryAuthHeader(options.auth) } }),
      ...(signal === undefined ? {} : { signal }),
      action: 'pull',
      resource,
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw asPullError(err, reference);
  }
  const progress = new PullProgress();
  const errorContext = { endpoint: transport.endpoint, action: 'pull', resource };
  for await (const message of jsonLinesOf(response, errorContext, signal)) {
    yield* progress.push(message);
  }
  // An abort ends the stream early; the pull did not finish, so say why.
  if (signal?.aborted) throw signal.reason;
  progress.finish(reference);
  let raw: unknown;
  try {
    raw = await transport.json({
      method: 'GET',
      path: `/images/${seg(target.pinned)}/json`,
      action: 'inspect',
      resource,
    });
  } catch (err) {
    if (!isEngineError(err, 'ENGINE_NOT_FOUND')) throw err;
    throw new EngineError(
      'ENGINE_FAILED',
      `pull of ${reference} ended, but the engine has no image ${target.pinned}`,
      {
        resource,
        hint: 'the engine may have removed it at once (a concurrent prune?); pull again',
        cause: err,
      },
    );
  }
  const imageId = (raw as { Id?: unknown } | undefined)?.Id;
  if (typeof imageId !== 'string' || imageId === '') {
    throw new EngineError(
      'ENGINE_FAILED',
      `pull of ${reference} ended, but inspecting ${target.pinned} gave no id`,
      {
        resource,
      },
    );
  }
  yield { type: 'done', imageId };
}
