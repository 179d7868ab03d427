import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const GROUPS = ['edge', 'marketing', 'monitoring', 'engineering', 'tools'] as const;

/** A small valid stack: db, web (after db is healthy) and, on every other stack, a worker. */
function composeFile(index: number): string {
  const port = 18_000 + index;
  const lines = [
    `# Bench stack ${index}: busybox stand-ins with health checks, pinned image, no build.`,
    'services:',
    '  db:',
    '    image: local/busybox:1',
    `    command: ["sh", "-c", "mkdir -p /srv && echo ok > /srv/index.html && exec httpd -f -p 5432 -h /srv"]`,
    '    healthcheck:',
    '      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:5432/"]',
    '      interval: 5s',
    '      timeout: 2s',
    '      retries: 3',
    '    security_opt: ["no-new-privileges:true"]',
    '  web:',
    '    image: local/busybox:1',
    `    command: ["sh", "-c", "mkdir -p /www && echo web > /www/index.html && exec httpd -f -p 8080 -h /www"]`,
    '    ports:',
    `      - "127.0.0.1:${port}:8080"`,
    '    depends_on:',
    '      db:',
    '        condition: service_healthy',
    '    healthcheck:',
    '      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]',
    '      interval: 5s',
    '      timeout: 2s',
    '      retries: 3',
    '    security_opt: ["no-new-privileges:true"]',
  ];
  if (index % 2 === 0) {
    lines.push(
      '  worker:',
      '    image: local/busybox:1',
      '    command: ["sh", "-c", "touch /tmp/alive && exec sleep 2147483647"]',
      '    depends_on:',
      '      web:',
      '        condition: service_healthy',
      '    healthcheck:',
      '      test: ["CMD", "test", "-f", "/tmp/alive"]',
      '      interval: 5s',
      '      timeout: 2s',
      '      retries: 3',
      '    security_opt: ["no-new-privileges:true"]',
    );
  }
  return `${lines.join('\n')}\n`;
}

export const stackName = (index: number): string => `stack-${String(index).padStart(2, '0')}`;

/**
 * The files of a catalog workspace of `count` stacks: `berth.yaml` and `<stack>/compose.yaml`,
 * keyed by path relative to the workspace folder.
 */
export function benchWorkspace(count: number): Map<string, string> {
  const files = new Map<string, string>();
  const catalog = ['version: 1', `name: bench-${count}`, 'stacks:'];
  for (let i = 1; i <= count; i++) {
    const name = stackName(i);
    catalog.push(
      `  ${name}:`,
      `    path: ${name}`,
      `    group: ${GROUPS[i % GROUPS.length] ?? 'tools'}`,
      `    owner: team-${(i % 4) + 1}`,
      `    description: bench stack ${i}`,
      `    environment: ${i % 3 === 0 ? 'staging' : 'production'}`,
    );
    files.set(join(name, 'compose.yaml'), composeFile(i));
  }
  files.set('berth.yaml', `${catalog.join('\n')}\n`);
  return files;
}

export function writeBenchWorkspace(root: string, count: number): void {
  for (const [path, text] of benchWorkspace(count)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
