import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

// Integration tests need an engine and the local images (no registry is
// reachable); the script is idempotent, so this is quick once they exist.
export default async function setup(): Promise<void> {
  const script = join(repoRoot, 'scripts', 'test-images.sh');
  const { code, signal, output } = await run('bash', [script, 'all']);
  if (code !== 0) {
    throw new Error(
      `scripts/test-images.sh all failed (${signal ?? `exit ${code}`}); ` +
        `the engine or the test images are missing:\n${output}`,
    );
  }
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

// stderr is shown live (progress of a minutes-long build) and also kept, so a
// failure message carries the script's own explanation.
function run(command: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output: Buffer.concat(chunks).toString() }));
  });
}
