import { EngineError, UNAVAILABLE_HINT } from './errors.js';

/** Where the engine listens when DOCKER_HOST names nothing. */
export const DEFAULT_SOCKET = '/var/run/docker.sock';

export type EngineAddress =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly display: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly display: string };

/** A DOCKER_HOST-style address (`unix:///path`, `tcp://host:port`); pure, so configuration checks it without loading dockerode. */
export function parseEngineHost(host: string | undefined): EngineAddress {
  const value = host?.trim() ?? '';
  if (value === '' || value === 'unix://') {
    return { kind: 'unix', socketPath: DEFAULT_SOCKET, display: `unix://${DEFAULT_SOCKET}` };
  }
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    return { kind: 'unix', socketPath, display: `unix://${socketPath}` };
  }
  if (value.startsWith('tcp://') || value.startsWith('http://')) {
    let url: URL;
    try {
      url = new URL(`http://${value.slice(value.indexOf('://') + 3)}`);
    } catch (err) {
      throw unsupportedHost(value, err);
    }
    const port = url.port === '' ? 2375 : Number(url.port);
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return {
      kind: 'tcp',
      host: hostname,
      port,
      display: `tcp://${url.host}${url.port === '' ? ':2375' : ''}`,
    };
  }
  throw unsupportedHost(value);
}

function unsupportedHost(value: string, cause?: unknown): EngineError {
  return new EngineError('ENGINE_UNAVAILABLE', `unsupported engine address ${JSON.stringify(value)}`, {
    hint: `use unix:///path/to/docker.sock or tcp://host:port (TLS and ssh:// are not supported); ${UNAVAILABLE_HINT}`,
    ...(cause === undefined ? {} : { cause }),
  });
}
