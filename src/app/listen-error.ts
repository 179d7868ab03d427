import { dirname } from 'node:path';

// What a failed listen means for whoever started `berth serve`: the system error turned into what
// failed, where, and what to do. Pure.

export type ListenTarget = { readonly port: number; readonly host: string } | string;

/** Listening failed (the address is taken, not allowed, not there): what failed, where, and what to do. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * What a failed listen means, from Node's system error. `folderExists` is whether a socket's folder
 * exists: libuv reports a missing one as EACCES.
 */
export function listenError(error: unknown, target: ListenTarget, folderExists = true): ListenError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  if (typeof target === 'string') {
    const folder = dirname(target);
    if (!folderExists || code === 'ENOENT') {
      return new ListenError(
        'SOCKET_FOLDER_MISSING',
        `cannot create the socket ${target}: the folder ${folder} does not exist`,
        'create the folder, or choose another --socket path',
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return new ListenError(
        'LISTEN_DENIED',
        `cannot create the socket ${target}: permission denied in ${folder}`,
        'choose a --socket path in a folder this user may write to',
      );
    }
    return new ListenError(
      'LISTEN_FAILED',
      `cannot listen on the socket ${target}: ${reason}`,
      'check the --socket path',
    );
  }
  const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const anotherPort =
    'pick another port with --port (or BERTH_PORT, or `port:` in the config file); 0 picks a free one';
  switch (code) {
    case 'EADDRINUSE':
      return new ListenError(
        'ADDRESS_IN_USE',
        `${where} is in use by another process`,
        `stop that process, or ${anotherPort}`,
      );
    case 'EACCES':
    case 'EPERM':
      return new ListenError(
        'LISTEN_DENIED',
        `not allowed to listen on ${where}`,
        target.port < 1024 ? `ports below 1024 need privileges: ${anotherPort}` : anotherPort,
      );
    case 'EADDRNOTAVAIL':
      return new ListenError(
        'ADDRESS_NOT_AVAILABLE',
        `cannot listen on ${where}: ${target.host} is not an address of this machine`,
        'use --host 127.0.0.1, 0.0.0.0 or an address this machine has',
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ListenError(
        'HOST_NOT_FOUND',
        `cannot listen on ${where}: the name ${target.host} does not resolve`,
        'give --host an IP address, or a name this machine resolves',
      );
    default:
      return new ListenError(
        'LISTEN_FAILED',
        `cannot listen on ${where}: ${reason}`,
        'check --host and --port',
      );
  }
}
