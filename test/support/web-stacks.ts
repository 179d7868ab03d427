import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The workspace of the dashboard's browser tests: a copy of examples/force1, and a one-service
// busybox stack ("notes") whose compose file the tests rewrite to deploy a change or a failure.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface WebWorkspace {
  readonly force1: string;
  readonly notes: string;
  /** Rewrites the notes stack's compose file: `message` in its environment, healthy or never healthy. */
  writeNotes(message: string, health: 'healthy' | 'never-healthy'): void;
}

/** Writes the workspace under `dir`; the stack names carry `suffix` so they clash with nothing on the engine. */
export function writeWebWorkspace(dir: string, suffix: string): WebWorkspace {
  const force1 = `force1-${suffix}`;
  const notes = `notes-${suffix}`;
  cpSync(join(repoRoot, 'examples', 'force1'), join(dir, 'force1'), { recursive: true });
  mkdirSync(join(dir, 'notes'), { recursive: true });
  writeFileSync(
    join(dir, 'berth.yaml'),
    ['stacks:', `  ${force1}:`, '    path: force1', `  ${notes}:`, '    path: notes', ''].join('\n'),
  );
  const writeNotes = (message: string, health: 'healthy' | 'never-healthy') =>
    writeFileSync(join(dir, 'notes', 'compose.yaml'), notesCompose(message, health));
  writeNotes('first version', 'healthy');
  return { force1, notes, writeNotes };
}

/**
 * One busybox web server, published nowhere. Healthy: it serves only after 3 s (a start period
 * covers that), so a deploy's health gate stays open long enough for a page to watch it. Never
 * healthy: its healthcheck asks for a page it does not have, so the deploy fails and rolls back.
 */
function notesCompose(message: string, health: 'healthy' | 'never-healthy'): string {
  const path = health === 'healthy' ? '/' : '/healthz';
  return [
    '# The browser tests rewrite this file: a changed message, or a healthcheck that never passes.',
    'x-berth:',
    '  deploy:',
    '    health_timeout: 20s',
    '    stable_window: 2s',
    '    rollback: auto',
    'services:',
    '  web:',
    '    image: local/busybox:1',
    `    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3; mkdir -p /www && echo \\"$$MESSAGE\\" > /www/index.html && httpd -p 8080 -h /www; while :; do sleep 1 & wait; done"]`,
    '    environment:',
    `      MESSAGE: ${JSON.stringify(message)}`,
    '    healthcheck:',
    `      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080${path}"]`,
    '      interval: 1s',
    '      timeout: 2s',
    '      retries: 3',
    ...(health === 'healthy' ? ['      start_period: 15s'] : []),
    '',
  ].join('\n');
}
