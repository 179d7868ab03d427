const MB = 1024 * 1024;

/** `312 B`, `4.5 KB`, `12.3 MB`, `1.25 GB`: sizes as the CLI, the web page and deploy events show them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * MB) return `${(bytes / (1024 * MB)).toFixed(2)} GB`;
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;
}

/** An image id as `docker images` shows it: 12 hex digits, without `sha256:` (a short id stays as it is). */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** What an image is called in a prune's answer: its tags, else the references it had (untagged now). */
export function imageNames(d: {
  readonly tags: readonly string[];
  readonly recorded: readonly string[];
}): string {
  return d.tags.length > 0 ? d.tags.join(', ') : `${d.recorded.join(', ')} (untagged now)`;
}
