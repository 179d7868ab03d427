const MB = 1024 * 1024;

/** `12.3 MB`, `1.25 GB`: sizes as the CLI, the web page and deploy events show them. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * MB ? `${(bytes / (1024 * MB)).toFixed(2)} GB` : `${(bytes / MB).toFixed(1)} MB`;
}

/** An image id as `docker images` shows it: 12 hex digits, without `sha256:` (a short id stays as it is). */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
