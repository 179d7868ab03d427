import { type Command, InvalidArgumentError } from 'commander';
import { formatBytes, imageNames, shortImageId } from '../../api/bytes-text.js';
import type { ImagePruneResult } from '../../api/images.js';
import { type CliIo, ExitCode } from '../io.js';
import { type ClientFactory, withClient } from './deploy.js';
import { parseCount, printJson } from './remote.js';

/** One line per image: what happened to it, what it was, why. */
export function formatImagePrune(r: ImagePruneResult): string {
  if (r.decisions.length === 0) {
    return `no images of ${r.stack} to prune: Berth prunes only images it pulled or built for the stack\n`;
  }
  const lines = r.decisions.map((d) => {
    const verb = d.keep ? 'keep        ' : d.removed ? 'removed     ' : 'would remove';
    const bytes = d.size === undefined ? '' : `, ${formatBytes(d.size)}`;
    return `${verb} ${shortImageId(d.image)} ${imageNames(d)} [${d.services.join(', ')}${bytes}]: ${d.reasons.join('; ')}`;
  });
  const gone = r.decisions.filter((d) => !d.keep).length;
  const total =
    gone === 0
      ? `nothing to remove (keeping ${r.keep} deployed version${r.keep === 1 ? '' : 's'} per service)`
      : `${r.dryRun ? 'would remove' : 'removed'} ${gone} image${gone === 1 ? '' : 's'}, ${formatBytes(r.freedBytes)}${r.dryRun ? ' to free' : ' freed'} (keeping ${r.keep} deployed version${r.keep === 1 ? '' : 's'} per service)`;
  return `${[...lines, total].join('\n')}\n`;
}

/** `--keep`: the range the API and `x-berth.images.keep` take. */
function parseKeep(value: string): number {
  const n = parseCount(1)(value);
  if (n > 100) throw new InvalidArgumentError('expected a whole number from 1 to 100');
  return n;
}

/** `berth images prune`. */
export function registerImages(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  factory: ClientFactory,
): void {
  const images = program
    .command('images')
    .description('the image versions Berth pulled and built for a stack (x-berth.images)');
  images
    .command('prune')
    .description(
      "remove a stack's old image versions beyond its retention (only images Berth pulled or built for it; never one in use)",
    )
    .argument('<stack>', 'stack name')
    .option(
      '--keep <n>',
      'deployed versions of each service to keep, the running one included (1-100)',
      parseKeep,
    )
    .option('--dry-run', 'list what would go and why each image stays, change nothing')
    .option('--json', 'print JSON')
    .action(
      async (
        stack: string,
        options: { keep?: number; dryRun?: boolean; json?: boolean },
        command: Command,
      ) => {
        const result = await withClient(factory, command, (c) =>
          c.pruneImages(stack, {
            dryRun: options.dryRun === true,
            ...(options.keep === undefined ? {} : { keep: options.keep }),
          }),
        );
        if (options.json) printJson(io, result);
        else io.stdout(formatImagePrune(result));
        setExit(ExitCode.Ok);
      },
    );
}
